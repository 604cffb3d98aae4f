"""Personal-information flags: real phone numbers, emails and addresses; not years or figures."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.reports.models import PiiKind
from bot.reports.pii import find_pii

PHONE, EMAIL, ADDRESS = PiiKind.PHONE, PiiKind.EMAIL, PiiKind.ADDRESS


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("call +44 20 7946 0958 tonight", (PHONE,)),
        ("+1 (555) 123-4567", (PHONE,)),
        ("+33 6 12 34 56 78", (PHONE,)),
        ("whatsapp +4915112345678", (PHONE,)),
        ("(555) 123-4567", (PHONE,)),
        ("555-123-4567", (PHONE,)),
        ("555.123.4567", (PHONE,)),
        ("her number is 555 123 4567", (PHONE,)),
        ("07700 900123", (PHONE,)),
        ("020 7946 0958", (PHONE,)),
        ("06 12 34 56 78", (PHONE,)),
        ("write to jane.doe+tips@example.org", (EMAIL,)),
        ("she lives at 123 Main St.", (ADDRESS,)),
        ("42 Rose Garden Lane", (ADDRESS,)),
        ("7b Baker Street", (ADDRESS,)),
        ("Hauptstraße 12", (ADDRESS,)),
        ("PO Box 1234", (ADDRESS,)),
        ("a@b.co, 555-123-4567, 1 High Road", (PHONE, EMAIL, ADDRESS)),
    ],
)
def test_flags_personal_information(text: str, kinds: tuple[PiiKind, ...]) -> None:
    assert find_pii(text) == kinds


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 they changed their name.",
        "They claimed 10,949 people were rescued.",
        "$25,000,000 in grants; 1,234,567,890 views",
        "Active 2019-2020, again 1990 2000 2010 2020",
        "Raid on 2023-05-12 and 12.05.2023",
        "@everyone read this",
        "10 red flags, 3 times on Main St",
        "criterion 3 of 10, version 1.2.3, at 12:30, 24/7 hotline",
        "ISBN 978-3-16-148410-0",
        "https://example.org/report-2019-10949",
    ],
)
def test_does_not_flag_years_and_figures(text: str) -> None:
    assert find_pii(text) == ()


@given(st.integers(min_value=0, max_value=10**12))
def test_comma_grouped_figures_are_never_phones(n: int) -> None:
    assert find_pii(f"about {n:,} people") == ()


@given(
    st.lists(st.integers(min_value=1900, max_value=2099), min_size=1, max_size=6),
    st.sampled_from([" ", ", ", "-", " and ", " to "]),
)
def test_runs_of_years_are_never_phones(years: list[int], sep: str) -> None:
    assert PiiKind.PHONE not in find_pii("in " + sep.join(map(str, years)))


@given(st.text(max_size=300))
def test_never_crashes(text: str) -> None:
    assert set(find_pii(text)) <= set(PiiKind)
