"""Community-maintained ratings and organizations' right of reply (pure core, no discord)."""

from bot.ratings.models import Decision, Proposal, Response, Verdict
from bot.ratings.responses import ResponseService
from bot.ratings.service import RatingService

__all__ = ["Decision", "Proposal", "RatingService", "Response", "ResponseService", "Verdict"]
