"""The console's option parser: only a known option of the command, at the start of a word and
not given yet, starts an option; quotes keep a text whole; a typo names the known options."""

from __future__ import annotations

import pytest

from bot.console import UsageError, parse_command

REPORT_TEXT = "When I asked, the org: Amnesty would not take a position on this at all."


def test_an_option_name_inside_a_text_stays_text() -> None:
    parsed = parse_command(f"/report org:Rescue Org text:{REPORT_TEXT} criterion:3")
    assert parsed.options == {"org": "Rescue Org", "text": REPORT_TEXT, "criterion": "3"}


def test_quotes_keep_a_text_whole() -> None:
    text = "Their leaflet says criterion:4 is met and org:none cares; basis:rumour."
    parsed = parse_command(f'/report text:"{text}" org:Rescue Org basis:first-hand')
    assert parsed.options == {"org": "Rescue Org", "text": text, "basis": "first-hand"}
    assert parse_command('/ask "what is: this?" private:no').options == {
        "question": "what is: this?",
        "private": False,
    }
    assert parse_command('/rate org: "O.U.R."').options == {"org": "O.U.R."}


def test_an_unclosed_quote_is_an_error() -> None:
    with pytest.raises(UsageError, match="never closed"):
        parse_command('/rate org:"Operation Underground')


def test_an_unknown_option_names_the_known_ones() -> None:
    with pytest.raises(UsageError) as caught:
        parse_command("/rate org:hrw colour:blue")
    message = str(caught.value)
    assert "no option `colour:`" in message
    assert "`org:`, `private:`" in message
    assert 'org:"…"' in message  # and how to keep a colon as text


@pytest.mark.parametrize(
    "line",
    [
        "/report org:Rescue Org text:Their site https://example.org/a says so, see page 3.",
        "/report org:Rescue Org text:Note: they said so at 10:30 in the meeting, twice.",
        "/feedback myth:super-bowl helpful:false",  # leading text is the first option's
    ],
)
def test_colons_in_prose_links_and_leading_values_are_not_options(line: str) -> None:
    parse_command(line)


def test_leading_text_fills_the_first_option_not_given() -> None:
    assert parse_command("/feedback myth:super-bowl helpful:false").options == {
        "entry": "myth:super-bowl",
        "helpful": False,
    }


@pytest.mark.parametrize("raw", ["１", "٣", "²", "1.5", "-"])
def test_whole_numbers_are_ascii_digits(raw: str) -> None:
    with pytest.raises(UsageError, match="needs a whole number"):
        parse_command(f"/withdraw id:{raw}")
