"""The tunable rules for peer reports: the ``[reports]`` section of ``bot.toml``."""

from __future__ import annotations

from typing import Annotated

import msgspec

PositiveInt = Annotated[int, msgspec.Meta(ge=1)]
NonNegativeInt = Annotated[int, msgspec.Meta(ge=0)]


class ReportPolicy(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, frozen=True):
    """Limits that keep the report channel useful and hard to flood.

    ``min_account_age_days = 0`` turns the account-age check off. Reporter ids are erased
    ``retention_days`` after a report is decided (approved, rejected or withdrawn).
    """

    per_user_per_hour: PositiveInt = 3
    per_user_per_day: PositiveInt = 10
    min_account_age_days: NonNegativeInt = 0
    retention_days: PositiveInt = 90
    show_reporter_to_moderators: bool = True

    @classmethod
    def from_mapping(cls, data: dict[str, object]) -> ReportPolicy:
        """Build from a parsed TOML table; raises ``msgspec.ValidationError`` naming the key."""
        return msgspec.convert(data, cls)
