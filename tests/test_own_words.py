"""Knowledge entries are written in our own words: facts carry over from the sources, sentences
do not. A run of twelve words shared with a source article is treated as a copied sentence."""

from __future__ import annotations

import re

import pytest

from tests.conftest import KNOWLEDGE, REPO

SOURCES = REPO.parent / "shared" / "sources"
RUN = 12


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'").replace("'", ""))


@pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not beside the repo")
def test_no_entry_copies_a_sentence_from_the_sources() -> None:
    source_words = _words(" ".join(p.read_text() for p in SOURCES.glob("*.txt")))
    runs = {tuple(source_words[i : i + RUN]) for i in range(len(source_words) - RUN)}
    copied = []
    files = [*KNOWLEDGE.glob("*.toml"), *KNOWLEDGE.glob("organizations/*.toml")]
    for path in files:
        if path.name == "sources.toml":  # article titles are quoted there on purpose
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            words = _words(line)
            for i in range(len(words) - RUN + 1):
                if tuple(words[i : i + RUN]) in runs:
                    copied.append(f"{path.name}:{number}: {' '.join(words[i : i + RUN])}")
                    break
    assert not copied, "Write these in your own words:\n" + "\n".join(copied)
