"""What a community may change, and the effective settings once its changes meet the defaults.

Stored per community is only what it changed (:class:`Overrides`, JSON in ``communities``);
everything else is inherited from ``bot.toml`` until the community changes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any

import msgspec

from bot.config import Config, RoleRef
from bot.reports.policy import ReportPolicy

PositiveInt = Annotated[int, msgspec.Meta(ge=1, le=10_000)]
NonNegativeInt = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
Snowflake = Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)]
TRUSTED_MAX = 25
# The settings that change a community's report rules (fields of ReportPolicy).
POLICY_SETTINGS = (
    "per_user_per_hour",
    "per_user_per_day",
    "min_account_age_days",
    "retention_days",
)


class Overrides(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The settings one community changed; ``None`` means "as in bot.toml"."""

    moderator_roles: list[Snowflake] | None = None
    organizer_roles: list[Snowflake] | None = None
    queue_channel: Snowflake | None = None
    per_user_per_hour: PositiveInt | None = None
    per_user_per_day: PositiveInt | None = None
    min_account_age_days: NonNegativeInt | None = None
    retention_days: PositiveInt | None = None
    trusted_guilds: list[Snowflake] | None = None
    rating_confirmations: PositiveInt | None = None
    review_after_reports: PositiveInt | None = None


@dataclass(frozen=True)
class Setting:
    """One setting as administrators see it in ``/setup``."""

    name: str
    label: str
    kind: str  # "roles", "channel", "number", "guilds"
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("moderator_roles", "Moderator roles", "roles", "who reviews reports"),
        Setting("organizer_roles", "Organizer roles", "roles", "who posts myth explainers"),
        Setting("queue_channel", "Moderation channel", "channel", "where new reports are posted"),
        Setting("per_user_per_hour", "Reports per member per hour", "number", "1 or more"),
        Setting("per_user_per_day", "Reports per member per day", "number", "1 or more"),
        Setting("min_account_age_days", "Minimum account age (days)", "number", "0 turns it off"),
        Setting(
            "retention_days",
            "Keep reporter ids (days after a decision)",
            "number",
            "1 or more",
        ),
        Setting(
            "trusted_guilds",
            "Trusted communities",
            "guilds",
            "server ids whose approved reports show here too",
        ),
        Setting(
            "rating_confirmations",
            "Moderators who must agree on a rating",
            "number",
            "1 or more, the proposer counting as the first",
        ),
        Setting(
            "review_after_reports",
            "Reports that prompt a rating review",
            "number",
            "approved reports on a criterion since its last decision",
        ),
    )
}


class SettingError(ValueError):
    """A value ``/setup`` cannot take; the message says what it needs."""


@dataclass(frozen=True)
class Community:
    """The effective settings of one community, and where each came from."""

    guild_id: int
    name: str
    moderator_roles: tuple[RoleRef, ...]
    organizer_roles: tuple[RoleRef, ...]
    queue_channel: RoleRef
    policy: ReportPolicy
    trusted_guilds: tuple[int, ...] = ()
    rating_confirmations: int = 2
    review_after_reports: int = 3
    changed: frozenset[str] = field(default_factory=frozenset)  # names set by /setup

    def origin(self, name: str) -> str:
        """Where a setting's value comes from, for ``/setup show``."""
        return "set with /setup" if name in self.changed else "default from bot.toml"

    @property
    def sees(self) -> tuple[int, ...]:
        """The communities whose approved reports this one shows: itself, then those it trusts."""
        return (self.guild_id, *(g for g in self.trusted_guilds if g != self.guild_id))


def community_from(guild_id: int, name: str, config: Config, overrides: Overrides) -> Community:
    """The effective settings: each override where set, ``bot.toml`` otherwise."""
    policy_changes: dict[str, Any] = {
        key: getattr(overrides, key)
        for key in POLICY_SETTINGS
        if getattr(overrides, key) is not None
    }
    policy = msgspec.structs.replace(config.reports, **policy_changes)
    changed = frozenset(
        f for f in msgspec.structs.asdict(overrides) if getattr(overrides, f) is not None
    )
    return Community(
        guild_id=guild_id,
        name=name,
        moderator_roles=tuple(overrides.moderator_roles)
        if overrides.moderator_roles is not None
        else config.moderator_roles,
        organizer_roles=tuple(overrides.organizer_roles)
        if overrides.organizer_roles is not None
        else config.organizer_roles,
        queue_channel=overrides.queue_channel
        if overrides.queue_channel is not None
        else config.moderation_queue,
        policy=policy,
        trusted_guilds=tuple(overrides.trusted_guilds or ()),
        rating_confirmations=overrides.rating_confirmations or config.rating_confirmations,
        review_after_reports=overrides.review_after_reports or config.review_after_reports,
        changed=changed,
    )


_ID = re.compile(r"\d{1,20}")


def _ids(text: str) -> list[int]:
    """Ids written as numbers or Discord mentions (``<@&123>``, ``<#123>``), any separator."""
    found = []
    for word in re.split(r"[\s,]+", text.strip()):
        digits = word.strip("<@&#!>")
        if not word:
            continue
        if not (digits.isascii() and _ID.fullmatch(digits)):
            raise SettingError(f"`{word}` is not an id.")
        found.append(int(digits))
    return found


def parse_setting(name: str, value: str) -> dict[str, Any]:
    """The override a typed ``/setup set`` value stands for, validated; raises SettingError."""
    setting = SETTINGS.get(name)
    if setting is None:
        raise SettingError(f"There is no setting `{name}`. Settings: {', '.join(SETTINGS)}.")
    if setting.kind == "number":
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit()):
            raise SettingError(f"{setting.label} needs a whole number ({setting.help}).")
        number = int(digits)
        minimum = 0 if name == "min_account_age_days" else 1
        if not minimum <= number <= 10_000:
            raise SettingError(f"{setting.label} must be from {minimum} to 10,000.")
        return {name: number}
    ids = _ids(value)
    if setting.kind == "channel":
        if len(ids) != 1:
            raise SettingError("Give one channel id (or #mention).")
        return {name: ids[0]}
    if setting.kind == "guilds" and len(ids) > TRUSTED_MAX:
        raise SettingError(f"A community can trust at most {TRUSTED_MAX} others.")
    return {name: list(dict.fromkeys(ids))}
