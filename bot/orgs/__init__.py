"""Organizations: matching the names members type, and the rating card (pure core, no Discord)."""

from bot.orgs.index import Candidate, OrgIndex, OrgMatch, OrgRecord, Outcome, org_records

__all__ = ["Candidate", "OrgIndex", "OrgMatch", "OrgRecord", "Outcome", "org_records"]
