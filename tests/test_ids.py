"""Component ids: every id vetbot makes reads back as itself, and nothing else reads as one."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import ids

record_ids = st.integers(min_value=1, max_value=ids.RECORD_ID_MAX)
slugs = st.from_regex(r"[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}", fullmatch=True)
typed_ids = st.one_of(
    st.builds(ids.ReportButton, st.sampled_from(ids.ReportAction), record_ids),
    st.builds(ids.QueuePage, record_ids),
    st.builds(ids.ReportAbout, slugs),
    st.builds(ids.FeedbackVote, st.booleans(), st.sampled_from(ids.EntryKind), slugs),
    st.builds(ids.PostMyth, slugs),
    st.builds(ids.PickList, st.sampled_from(ids.PickArea)),
    st.builds(ids.RatingButton, st.sampled_from(ids.RatingAction), record_ids),
    st.builds(ids.RatingReview, slugs, st.integers(min_value=1, max_value=10)),
    st.builds(ids.RatingHistory, slugs),
    st.builds(ids.ReportsPage, slugs, st.integers(min_value=1, max_value=ids.REPORTS_PAGE_MAX)),
    st.builds(ids.ResponseButton, st.sampled_from(ids.ResponseAction), record_ids),
)


@given(typed_ids)
def test_every_id_reads_back_as_itself(component: ids.ComponentId) -> None:
    assert len(component.custom_id) <= ids.CUSTOM_ID_MAX
    assert ids.parse(component.custom_id) == component


@given(st.text(max_size=120))
def test_any_string_parses_to_a_value_never_an_exception(text: str) -> None:
    parsed = ids.parse(text)
    if not isinstance(parsed, ids.BadId | ids.ReportNewOrg):
        # Strict: only the one spelling vetbot writes is accepted.
        assert parsed.custom_id == text


@given(st.text(alphabet=string.ascii_letters + string.digits + ":-%_", max_size=60))
def test_strings_close_to_real_ids_are_strict(tail: str) -> None:
    heads = (
        "vetbot:report:approve:",
        "vetbot:report:queue:",
        "vetbot:feedback:up:myths:",
        "vetbot:rating:confirm:",
        "vetbot:rating:review:aclu:",
        "vetbot:card:reports:aclu:",
        "vetbot:response:approve:",
    )
    for head in heads:
        parsed = ids.parse(head + tail)
        if not isinstance(parsed, ids.BadId):
            assert parsed.custom_id == head + tail


@given(st.text(max_size=200))
def test_a_new_org_button_always_fits_and_keeps_the_name_it_shows(name: str) -> None:
    button = ids.ReportNewOrg.for_name(name)
    if button is None:
        assert not name[: ids.NEW_ORG_NAME_MAX].strip()
        return
    assert len(button.custom_id) <= ids.CUSTOM_ID_MAX
    assert ids.parse(button.custom_id) == button
    assert name.startswith(button.name) or name.lstrip().startswith(button.name.lstrip())


@pytest.mark.parametrize(
    "number", ["-1", "0", "abc", "1:2", "%31", "²", "１", "٣", "99999999999999999999", " 1", "+1"]
)
def test_report_numbers_are_ascii_digits_within_64_bits(number: str) -> None:
    parsed = ids.parse(f"vetbot:report:approve:{number}")
    assert isinstance(parsed, ids.BadId)
    assert parsed.about_report


def test_the_largest_rowid_is_a_report_number_and_one_more_is_not() -> None:
    top = ids.parse(f"vetbot:report:withdraw:{ids.RECORD_ID_MAX}")
    assert top == ids.ReportButton(ids.ReportAction.WITHDRAW, ids.RECORD_ID_MAX)
    assert isinstance(ids.parse(f"vetbot:report:withdraw:{ids.RECORD_ID_MAX + 1}"), ids.BadId)


def test_ids_vetbot_has_always_made_still_parse() -> None:
    # Buttons on messages posted by earlier versions must keep working.
    assert ids.parse("vetbot:report:approve:42") == ids.ReportButton(ids.ReportAction.APPROVE, 42)
    assert ids.parse("vetbot:report:queue:2") == ids.QueuePage(2)
    assert ids.parse("vetbot:report:org:our") == ids.ReportAbout("our")
    assert ids.parse("vetbot:report:new:Hope%20House") == ids.ReportNewOrg("Hope House")
    assert ids.parse("vetbot:feedback:down:myths:super-bowl") == ids.FeedbackVote(
        False, ids.EntryKind.MYTHS, "super-bowl"
    )
    assert ids.parse("vetbot:myth:post:super-bowl") == ids.PostMyth("super-bowl")
    assert ids.parse("vetbot:rate:pick") == ids.PickList(ids.PickArea.RATE)


@pytest.mark.parametrize(
    "raw",
    [
        "vetbot:rating:confirm:0",
        "vetbot:rating:confirm:1:2",
        "vetbot:rating:adopt:1",
        "vetbot:rating:review:aclu:11",
        "vetbot:rating:review:aclu:0",
        "vetbot:rating:review:ACLU:3",
        "vetbot:rating:history:",
        "vetbot:card:reports:aclu:10001",
        "vetbot:card:reports:aclu:１",
        "vetbot:card:other:aclu:1",
        "vetbot:response:publish:3",
        "vetbot:response:approve:-3",
    ],
)
def test_rating_and_response_ids_are_strict(raw: str) -> None:
    assert isinstance(ids.parse(raw), ids.BadId)
