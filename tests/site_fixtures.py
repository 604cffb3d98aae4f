"""A community with reports in every state, for the site tests: what may be published and what
must never be. Every private text and id is distinctive, so a scan of the built files finds it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.reports.models import Report

T0 = dt.datetime(2026, 1, 10, 12, 0, tzinfo=dt.UTC)
GUILD = 4242  # the community the site is built for
OTHER_GUILD = 5353  # another community on the same deployment
OUR = "operation-underground-railroad"
REPORTER_IDS = (
    770011223344556601,
    770011223344556602,
    770011223344556603,
    770011223344556604,
    770011223344556605,
    770011223344556606,
    770011223344556607,
)
MODERATOR_ID = 880011223344556699
PHONE = "+1 415 555 0199"

APPROVED_OUR = "They staged a raid for the cameras and left the women they detained unsupported."
APPROVED_OUR_2 = (
    "Their fundraising page reuses photos of children from abroad, documented <b>twice</b>."
)
APPROVED_NEW = (
    "Safe Harbor Collective put our clients' first names in a newsletter without consent."
)
PENDING = "PENDING-SECRET: a pending report that nobody has decided yet about their hotline."
REJECTED = "REJECTED-SECRET: a rejected report, full of rumours about the director's family."
WITHDRAWN = "WITHDRAWN-SECRET: the reporter took this one back before any moderator read it."
FLAGGED = f"FLAGGED-SECRET: call the coordinator on {PHONE} to hear what happened at the shelter."
BEFORE_EDIT = f"EDITED-SECRET: the intake worker, reachable at {PHONE}, kept our papers for weeks."
AFTER_EDIT = "The intake worker kept our identity papers for weeks and would not return them."
REJECT_REASON = "REASON-SECRET: rumours, no first-hand account"
RETRACT_REASON = "A complaint we upheld"
RETRACTED = "RETRACTED-SECRET: approved at first, then taken down by a moderator after a complaint."
OTHER_COMMUNITY = "OTHER-COMMUNITY: an approved report from another server about their hotline."

PRIVATE_TEXTS = (
    PENDING,
    REJECTED,
    WITHDRAWN,
    FLAGGED,
    BEFORE_EDIT,
    PHONE,
    REJECT_REASON,
    "PENDING-SECRET",
    "REJECTED-SECRET",
    "WITHDRAWN-SECRET",
    "FLAGGED-SECRET",
    "EDITED-SECRET",
    "REASON-SECRET",
)


@dataclass
class Seeded:
    """What was stored, so tests can say what must and must not show."""

    approved: list[Report] = field(default_factory=list)
    private: list[Report] = field(default_factory=list)


async def _submit(core: Any, n: int, when: dt.datetime, text: str, **kw: Any) -> Report:
    values: dict[str, Any] = {
        "guild_id": GUILD,
        "reporter_id": REPORTER_IDS[n],
        "account_age_days": 400.0,
        "org_id": OUR,
        "org_name": "Operation Underground Railroad",
        "criterion": 6,
        "text": text,
        "evidence": "",
        "basis": "first-hand",
        "now": when,
    }
    values.update(kw)
    report = await core.reports.submit(**values)
    assert isinstance(report, Report), report
    return report


async def seed(core: Any) -> Seeded:
    """Approved, pending, rejected, withdrawn, retracted, flagged and redacted reports over three
    months in :data:`GUILD`, and one approved report in :data:`OTHER_GUILD`."""
    seeded = Seeded()
    day = dt.timedelta(days=1)
    mod, g = MODERATOR_ID, GUILD
    a = await _submit(core, 0, T0, APPROVED_OUR, evidence="https://example.org/raid-story")
    await core.reports.approve(a.id, g, mod, T0 + 2 * day)
    b = await _submit(core, 1, T0 + 30 * day, APPROVED_OUR_2, criterion=None, basis="documented")
    await core.reports.approve(b.id, g, mod, T0 + 33 * day)
    c = await _submit(
        core,
        2,
        T0 + 31 * day,
        APPROVED_NEW,
        org_id=None,
        org_name="Safe Harbor Collective",
        criterion=4,
        basis="heard-from-others",
    )
    await core.reports.approve(c.id, g, mod, T0 + 40 * day)
    e = await _submit(core, 3, T0 + 60 * day, BEFORE_EDIT, criterion=7)
    await core.reports.edit(e.id, g, mod, AFTER_EDIT, T0 + 61 * day)
    await core.reports.approve(e.id, g, mod, T0 + 61 * day)
    seeded.approved += [a, b, c, e]
    o = await _submit(core, 0, T0 + 3 * day, OTHER_COMMUNITY, guild_id=OTHER_GUILD, criterion=2)
    await core.reports.approve(o.id, OTHER_GUILD, mod, T0 + 4 * day)
    t = await _submit(core, 5, T0 + 20 * day, RETRACTED, criterion=10)
    await core.reports.approve(t.id, g, mod, T0 + 21 * day)
    retracted = await core.reports.retract(t.id, g, mod, RETRACT_REASON, T0 + 22 * day)
    assert isinstance(retracted, Report), retracted

    p = await _submit(core, 4, T0 + 62 * day, PENDING, criterion=9)
    r = await _submit(core, 5, T0 + 5 * day, REJECTED, criterion=9)
    await core.reports.reject(r.id, g, mod, REJECT_REASON, T0 + 9 * day)
    w = await _submit(core, 6, T0 + 63 * day, WITHDRAWN, criterion=3)
    await core.reports.withdraw(w.id, g, REPORTER_IDS[6], T0 + 63 * day)
    f = await _submit(core, 4, T0 + 64 * day, FLAGGED, org_id=None, org_name="Hidden Shelter Org")
    assert f.pii_flags, "the phone number should be flagged"
    seeded.private += [p, r, w, f, t]
    return seeded
