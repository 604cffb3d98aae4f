"""The rating card: criteria in order, not assessed distinct from fails, staleness, peer reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from bot.community import CommunityReport, CommunitySummary
from bot.knowledge.loader import Knowledge
from bot.knowledge.models import Criterion, Organization, Source
from bot.orgs.card import build_card
from bot.replies import Reply, Tone

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 6, 1)
REVIEWED = dt.date(2026, 1, 15)


def _source(ident: str, short: str, url: str | None) -> Source:
    return msgspec.convert(
        {
            "id": ident,
            "title": f"Title of {short}",
            "author": "Someone",
            "year": "2020",
            "url": url,
            "short": short,
            "reviewed": REVIEWED,
        },
        Source,
    )


def _criterion(number: int) -> Criterion:
    return msgspec.convert(
        {
            "id": f"criterion-{number}",
            "number": number,
            "title": f"Question {number}?",
            "question": "Ask it.",
            "why": "Because.",
            "green_flags": ["good"],
            "red_flags": ["bad"],
            "how_to_check": ["look"],
            "sources": ["article"],
            "reviewed": REVIEWED,
        },
        Criterion,
    )


def make_org(**overrides: Any) -> Organization:
    raw: dict[str, Any] = {
        "id": "harbor-light",
        "name": "Harbor Light Rescue",
        "aliases": ["HLR"],
        "kind": "rescue-organization",
        "location": "Denver, USA",
        "website": "https://harbor.example.org",
        "summary": "A rescue group the article criticizes.",
        "sources": ["article"],
        "reviewed": REVIEWED,
        "ratings": [
            {
                "criterion": 2,
                "verdict": "partly",
                "note": "Supports some decriminalization.",
                "evidence": ["https://harbor.example.org/policy"],
                "sources": ["article"],
            },
            {
                "criterion": 1,
                "verdict": "meets",
                "note": "Led by survivors.",
                "sources": ["article"],
            },
            {
                "criterion": 6,
                "verdict": "fails",
                "note": "Runs raids.",
                "sources": ["report"],
            },
        ],
        "views": [{"source": "report", "position": "Says the raids harm workers."}],
    }
    raw.update(overrides)
    return msgspec.convert(raw, Organization)


def make_knowledge(org: Organization) -> Knowledge:
    return Knowledge(
        path=Path("."),
        sources={
            "article": _source("article", "Bourgeois 2020", "https://example.org/article"),
            "report": _source("report", "Field report 2023", None),
        },
        criteria={f"criterion-{n}": _criterion(n) for n in range(1, 11)},
        myths={},
        terms={},
        topics={},
        orgs={org.id: org},
    )


def card(
    org: Organization | None = None,
    community: CommunitySummary | None = None,
    today: dt.date = TODAY,
    **kwargs: Any,
) -> Reply:
    org = org or make_org()
    return build_card(org, make_knowledge(org), community, today=today, **kwargs)


def report(
    report_id: int, criterion: int | None, basis: str, summary: str, day: int
) -> CommunityReport:
    return CommunityReport(
        report_id=report_id,
        criterion=criterion,
        basis=basis,
        summary=summary,
        decided_at=dt.datetime(2026, 5, day, 12, tzinfo=dt.UTC),
    )


def everything(reply: Reply) -> str:
    parts = [reply.title or "", reply.text, reply.footer or ""]
    parts += [f"{f.name}\n{f.value}" for f in reply.fields]
    return "\n".join(parts)


def test_header_has_name_kind_location_website_and_summary() -> None:
    reply = card()
    assert reply.title == "Harbor Light Rescue"
    assert "Rescue organization" in reply.text  # human-readable, not "rescue-organization"
    assert "rescue-organization" not in reply.text
    assert "Denver, USA" in reply.text
    assert "https://harbor.example.org" in reply.text
    assert "A rescue group the article criticizes." in reply.text


def test_header_without_location_or_website() -> None:
    reply = card(make_org(location=None, website=None))
    assert reply.text.startswith("**Rescue organization**\n")
    assert reply.url is None


def test_one_field_per_criterion_in_order_with_verdicts() -> None:
    fields = card().fields
    assert [f.name for f in fields[:3]] == ["1. Question 1?", "2. Question 2?", "6. Question 6?"]
    assert fields[0].value.startswith("✅ Meets: Led by survivors.")
    assert fields[1].value.startswith("🟡 Partly: Supports some decriminalization.")
    assert "https://harbor.example.org/policy" in fields[1].value
    assert fields[2].value.startswith("❌ Fails: Runs raids.")
    assert "Field report 2023" in fields[2].value


def test_unrated_criteria_are_listed_together_as_not_assessed_never_fails() -> None:
    fields = card().fields
    [unrated] = [f for f in fields if f.name == "⚪ Not assessed"]
    assert fields.index(unrated) == 3  # right after the rated ones
    listed = unrated.value.splitlines()[1:]
    assert listed == [f"{n}. Question {n}?" for n in (3, 4, 5, 7, 8, 9, 10)]
    assert "Fails" not in unrated.value and "❌" not in unrated.value


def test_explicit_not_assessed_rating_is_shown_as_such() -> None:
    org = make_org(
        ratings=[
            {"criterion": 4, "verdict": "not-assessed", "note": "No data.", "sources": ["article"]}
        ]
    )
    fields = card(org).fields
    assert fields[0].name == "4. Question 4?"
    assert fields[0].value.startswith("⚪ Not assessed: No data.")
    assert "4. Question 4?" not in fields[1].value  # not also among the unrated


def test_views_and_sources_are_cited() -> None:
    reply = card()
    by_name = {f.name: f.value for f in reply.fields}
    assert by_name["What the sources say"] == "**Field report 2023**: Says the raids harm workers."
    assert "Bourgeois 2020: <https://example.org/article>" in by_name["Sources"]
    assert "Field report 2023" in by_name["Sources"]  # no url: the short name alone


def test_no_views_no_views_field() -> None:
    names = [f.name for f in card(make_org(views=[])).fields]
    assert "What the sources say" not in names


def test_fresh_card_is_info_without_warning() -> None:
    reply = card(today=REVIEWED + dt.timedelta(days=365))
    assert reply.tone is Tone.INFO
    assert "⚠️" not in everything(reply)
    assert reply.data["stale"] is False


def test_stale_card_warns() -> None:
    reply = card(today=REVIEWED + dt.timedelta(days=366))
    assert reply.tone is Tone.WARNING
    assert "366 days ago" in reply.text
    assert "may be out of date" in reply.text
    by_name = {f.name: f.value for f in reply.fields}
    assert by_name["Last reviewed"].startswith("2026-01-15")


def test_stale_after_days_is_configurable() -> None:
    assert card(today=REVIEWED + dt.timedelta(days=31), stale_after_days=30).tone is Tone.WARNING
    assert card(today=REVIEWED + dt.timedelta(days=30), stale_after_days=30).tone is Tone.INFO


@pytest.mark.parametrize("community", [None, CommunitySummary()])
def test_no_peer_reports_yet(community: CommunitySummary | None) -> None:
    reply = card(community=community)
    value = {f.name: f.value for f in reply.fields}["Community reports"]
    assert value.startswith("No peer reports yet")
    assert reply.data["community"]["total"] == 0


def test_community_counts_and_three_most_recent_without_identity() -> None:
    community = CommunitySummary(
        counts={6: 3, None: 1},
        recent=[
            report(900001, 6, "first-hand", "They raided my workplace.", 2),
            report(900002, None, "documented", "Court filing about them.", 4),
            report(900003, 6, "heard from others", "Friends describe raids.", 3),
            report(900004, 6, "first-hand", "Oldest report, not shown.", 1),
        ],
    )
    reply = card(community=community)
    value = {f.name: f.value for f in reply.fields}["Community reports"]
    assert value.startswith("4 approved reports (criterion 6: 3, general: 1).")
    lines = value.splitlines()[1:]
    assert len(lines) == 3
    assert lines[0].startswith("• A community member (documented), 2026-05-04, general:")
    assert lines[1].startswith("• A community member (heard from others), 2026-05-03")
    assert lines[2].startswith("• A community member (first-hand), 2026-05-02, criterion 6:")
    assert "They raided my workplace." in lines[2]
    assert "Oldest report" not in value
    # Report ids never reach the card (nor does anything about who reported).
    dumped = everything(reply) + json.dumps(reply.data)
    for report_id in ("900001", "900002", "900003", "900004"):
        assert report_id not in dumped
    assert reply.data["community"]["counts"] == {"6": 3, "general": 1}
    assert len(reply.data["community"]["recent"]) == 3


def test_report_button_carries_the_org_id() -> None:
    buttons = card().buttons
    assert [(b.label, b.custom_id) for b in buttons] == [
        ("Report about this organization", "vetbot:report:org:harbor-light")
    ]


def test_data_for_json() -> None:
    data = card().data
    assert set(data) >= {
        "id",
        "name",
        "aliases",
        "kind",
        "location",
        "website",
        "ratings",
        "reviewed",
        "sources",
        "community",
    }
    assert data["id"] == "harbor-light"
    assert data["aliases"] == ["HLR"]
    assert data["kind"] == "rescue-organization"
    assert data["ratings"]["2"]["verdict"] == "partly"
    assert data["ratings"]["3"] == {"verdict": "not-assessed"}
    assert list(data["ratings"]) == [str(n) for n in range(1, 11)]
    assert data["reviewed"] == "2026-01-15"
    assert [s["id"] for s in data["sources"]] == ["article", "report"]
    json.dumps(data)  # plain JSON, no dates or enums left


def test_long_evidence_is_cut_within_discord_limits() -> None:
    urls = [f"https://example.org/{'x' * 480}/{i}" for i in range(6)]
    org = make_org(
        ratings=[
            {
                "criterion": 3,
                "verdict": "fails",
                "note": "n" * 256,
                "evidence": urls,
                "sources": ["article", "report"],
            }
        ]
    )
    value = card(org).fields[0].value
    assert len(value) <= 1024
    assert value.startswith("❌ Fails: ")
    assert urls[0] in value  # at least one link always fits
    assert value.endswith("Bourgeois 2020, Field report 2023")


def test_long_community_summaries_are_cut() -> None:
    community = CommunitySummary(
        counts={1: 3}, recent=[report(i, 1, "first-hand", "w " * 900, i) for i in range(1, 4)]
    )
    value = {f.name: f.value for f in card(community=community).fields}["Community reports"]
    assert len(value) <= 1024
    assert "…" in value


def test_card_without_sources_or_ratings() -> None:
    """The shape /rate uses for an organization moderators listed from a peer report."""
    org = Organization(
        id="new-org",
        name="New Org",
        kind="other",  # type: ignore[arg-type]
        sources=[],
        reviewed=TODAY,
        summary="Listed by moderators.",
    )
    reply = card(org)
    # One line for the ten unrated criteria, not ten identical fields.
    assert reply.fields[0].name == "⚪ Not assessed"
    assert "none of the ten criteria" in reply.fields[0].value
    assert not any(f.name.startswith(("1.", "10.")) for f in reply.fields)
    assert "Sources" not in [f.name for f in reply.fields]
    assert reply.data["sources"] == []


def _check_limits(reply: Reply) -> None:
    assert len(reply.fields) <= 25
    for field in reply.fields:
        assert 0 < len(field.name) <= 256
        assert 0 < len(field.value) <= 1024


def test_limits_hold_for_the_fixture() -> None:
    _check_limits(card())


def test_every_real_organization_builds_a_card() -> None:
    if not any((ROOT / "knowledge" / "organizations").glob("*.toml")):
        pytest.skip("knowledge/organizations/ has no organization files yet")
    from bot.knowledge.loader import load_knowledge

    knowledge = load_knowledge(ROOT / "knowledge")
    for org in knowledge.orgs.values():
        reply = build_card(org, knowledge, None, today=TODAY)
        _check_limits(reply)
        assert reply.title == org.name
        # Every criterion is on the card: its own field, or among the unrated ones.
        unrated = next((f.value for f in reply.fields if f.name == "⚪ Not assessed"), "")
        for criterion in knowledge.criteria.values():
            title = f"{criterion.number}. {criterion.title}"
            shown = any(f.name == title for f in reply.fields)
            assert shown or title in unrated or "none of the ten" in unrated, (org.id, title)
        json.dumps(reply.data)
