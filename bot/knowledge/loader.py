"""Loading and validating the knowledge base.

The schema (types, enums, unknown fields) is checked by msgspec; the rules that span entries are
checked here. Every problem is collected and reported as ``file: kind 'id': field: problem``, so a
broken knowledge base shows all its errors at once.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from bot.knowledge.models import (
    Criterion,
    Myth,
    OffTopicSubject,
    Organization,
    Source,
    Synonym,
    Term,
    Topic,
)
from bot.knowledge.text import stem

ENTRY_FILES: dict[str, tuple[str, str, type[msgspec.Struct]]] = {
    # kind (plural, as counted) -> (file, TOML array name, schema)
    "sources": ("sources.toml", "source", Source),
    "criteria": ("criteria.toml", "criterion", Criterion),
    "myths": ("myths.toml", "myth", Myth),
    "terms": ("terms.toml", "term", Term),
    "topics": ("topics.toml", "topic", Topic),
}
ORG_DIR = "organizations"
SYNONYMS_FILE = "synonyms.toml"
OFF_TOPIC_FILE = "off_topic.toml"
COLLECTIONS = (*ENTRY_FILES, "orgs")


@dataclass(frozen=True)
class KnowledgeError:
    """One problem in the knowledge base, located as precisely as possible."""

    file: str
    entry: str
    field: str
    problem: str

    def __str__(self) -> str:
        place = ": ".join(part for part in (self.file, self.entry, self.field) if part)
        return f"{place}: {self.problem}"


class KnowledgeInvalid(Exception):
    """Raised when the knowledge base does not validate; carries every error found."""

    def __init__(self, errors: list[KnowledgeError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the knowledge base, first: {errors[0]}")


@dataclass(frozen=True)
class Knowledge:
    """A validated, read-only knowledge base. Entries keep the order of their files."""

    path: Path
    sources: Mapping[str, Source]
    criteria: Mapping[str, Criterion]
    myths: Mapping[str, Myth]
    terms: Mapping[str, Term]
    topics: Mapping[str, Topic]
    orgs: Mapping[str, Organization]
    synonyms: tuple[Synonym, ...] = ()
    off_topic: tuple[OffTopicSubject, ...] = ()
    loaded_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def counts(self) -> dict[str, int]:
        """How many entries of each kind there are."""
        return {kind: len(getattr(self, kind)) for kind in COLLECTIONS}

    def criterion_by_number(self, number: int) -> Criterion | None:
        """The criterion numbered ``number`` (1-10), if present."""
        return next((c for c in self.criteria.values() if c.number == number), None)

    def cite(self, source_ids: Iterable[str]) -> list[Source]:
        """The sources behind ``source_ids``, in order, skipping unknown ids."""
        return [self.sources[s] for s in source_ids if s in self.sources]


_MSGSPEC_PATH = re.compile(r"^(?P<problem>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)


def _split_msgspec_error(exc: msgspec.ValidationError) -> tuple[str, str]:
    """Turn msgspec's ``Expected x - at `$.a[0].b``` into (``a[0].b``, ``expected x``)."""
    match = _MSGSPEC_PATH.match(str(exc))
    assert match is not None  # the pattern matches any string
    path = (match.group("path") or "").lstrip(".")
    problem = match.group("problem")
    unknown = re.match(r"Object contains unknown field `([^`]+)`", problem)
    if unknown:
        path = f"{path}.{unknown.group(1)}".lstrip(".")
        problem = "unknown field"
    elif problem.startswith("Invalid RFC3339 encoded date"):
        problem = "expected a date like 2026-11-30"
    else:
        problem = problem[0].lower() + problem[1:]
    return path, problem


def _entry_label(kind: str, raw: Any, position: int) -> str:
    ident = raw.get("id") if isinstance(raw, dict) else None
    singular = {
        "sources": "source",
        "criteria": "criterion",
        "myths": "myth",
        "terms": "term",
        "topics": "topic",
        "orgs": "org",
    }[kind]
    return f"{singular} '{ident}'" if isinstance(ident, str) else f"{singular} #{position + 1}"


def _read_toml(path: Path, display: str, errors: list[KnowledgeError]) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        errors.append(KnowledgeError(display, "", "", "file is missing"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        errors.append(KnowledgeError(display, "", "", f"not valid TOML: {exc}"))
    return None


def _table_rows(
    path: Path, display: str, table: str, errors: list[KnowledgeError]
) -> list[Any] | None:
    """The ``[[table]]`` rows of a file that may hold that one array only; None (with the
    problem in ``errors``) when the file cannot be read or the table is not an array."""
    data = _read_toml(path, display, errors)
    if data is None:
        return None
    for key in sorted(set(data) - {table}):
        errors.append(KnowledgeError(display, "", key, f"unknown table (expected [[{table}]])"))
    raws = data.get(table, [])
    if not isinstance(raws, list):
        errors.append(KnowledgeError(display, "", table, f"expected an array of [[{table}]]"))
        return None
    return raws


def _convert(
    raw: Any,
    schema: type[msgspec.Struct],
    where: tuple[str, str],
    errors: list[KnowledgeError],
) -> Any | None:
    try:
        return msgspec.convert(raw, schema)
    except msgspec.ValidationError as exc:
        path, problem = _split_msgspec_error(exc)
        errors.append(KnowledgeError(where[0], where[1], path, problem))
        return None


def _load_kind(root: Path, kind: str, errors: list[KnowledgeError]) -> dict[str, tuple[str, Any]]:
    """Entries of one kind, keyed by id, each with the label used in error messages."""
    file_name, table, schema = ENTRY_FILES[kind]
    display = f"{root.name}/{file_name}"
    raws = _table_rows(root / file_name, display, table, errors)
    if raws is None:
        return {}
    entries: dict[str, tuple[str, Any]] = {}
    for position, raw in enumerate(raws):
        label = _entry_label(kind, raw, position)
        entry = _convert(raw, schema, (display, label), errors)
        if entry is None:
            continue
        if entry.id in entries:
            errors.append(KnowledgeError(display, label, "id", "duplicate id"))
            continue
        entries[entry.id] = (display, entry)
    return entries


def _load_orgs(root: Path, errors: list[KnowledgeError]) -> dict[str, tuple[str, Any]]:
    folder = root / ORG_DIR
    entries: dict[str, tuple[str, Any]] = {}
    if not folder.is_dir():
        errors.append(KnowledgeError(f"{root.name}/{ORG_DIR}", "", "", "folder is missing"))
        return entries
    for path in sorted(folder.glob("*.toml")):
        display = f"{root.name}/{ORG_DIR}/{path.name}"
        raw = _read_toml(path, display, errors)
        if raw is None:
            continue
        label = _entry_label("orgs", raw, 0)
        org = _convert(raw, Organization, (display, label), errors)
        if org is None:
            continue
        if org.id != path.stem:
            errors.append(
                KnowledgeError(display, label, "id", f"must match the file name '{path.stem}'")
            )
        if org.id in entries:
            errors.append(KnowledgeError(display, label, "id", "duplicate id"))
            continue
        entries[org.id] = (display, org)
    return entries


def _check_references(
    loaded: dict[str, dict[str, tuple[str, Any]]],
    today: dt.date,
    errors: list[KnowledgeError],
) -> None:
    source_ids = set(loaded["sources"])
    numbers = {entry.number for _, entry in loaded["criteria"].values()}
    term_ids = set(loaded["terms"])

    def check_sources(display: str, label: str, fieldname: str, ids: Iterable[str]) -> None:
        for source_id in ids:
            if source_id not in source_ids:
                errors.append(
                    KnowledgeError(display, label, fieldname, f"unknown source '{source_id}'")
                )

    for kind, entries in loaded.items():
        for display, entry in entries.values():
            label = _entry_label(kind, {"id": entry.id}, 0)
            if entry.reviewed > today:
                errors.append(KnowledgeError(display, label, "reviewed", "date is in the future"))
            if kind == "sources":
                continue
            check_sources(display, label, "sources", entry.sources)
            for i, figure in enumerate(getattr(entry, "numbers", [])):
                check_sources(display, label, f"numbers[{i}].source", [figure.source])
            for i, view in enumerate(getattr(entry, "views", [])):
                check_sources(display, label, f"views[{i}].source", [view.source])
            for i, rating in enumerate(getattr(entry, "ratings", [])):
                where = f"ratings[{i}]"
                if rating.criterion not in numbers:
                    errors.append(
                        KnowledgeError(
                            display,
                            label,
                            f"{where}.criterion",
                            f"no criterion numbered {rating.criterion}",
                        )
                    )
                check_sources(display, label, f"{where}.sources", rating.sources)
            rated = [r.criterion for r in getattr(entry, "ratings", [])]
            for number in sorted({n for n in rated if rated.count(n) > 1}):
                errors.append(
                    KnowledgeError(display, label, "ratings", f"criterion {number} rated twice")
                )
            for i, other in enumerate(getattr(entry, "see_also", [])):
                if other not in term_ids:
                    errors.append(
                        KnowledgeError(display, label, f"see_also[{i}]", f"unknown term '{other}'")
                    )

    seen_numbers: dict[int, str] = {}
    for display, entry in loaded["criteria"].values():
        if entry.number in seen_numbers:
            errors.append(
                KnowledgeError(
                    display,
                    f"criterion '{entry.id}'",
                    "number",
                    f"number {entry.number} is also used by '{seen_numbers[entry.number]}'",
                )
            )
        seen_numbers.setdefault(entry.number, entry.id)

    _check_org_names(loaded["orgs"], errors)


def _check_org_names(orgs: dict[str, tuple[str, Any]], errors: list[KnowledgeError]) -> None:
    """An alias (or name) may point at one organization only, compared case-insensitively."""
    owners: dict[str, str] = {}
    for display, org in orgs.values():
        for i, name in enumerate([org.name, *org.aliases]):
            key = " ".join(name.casefold().split())
            owner = owners.setdefault(key, org.id)
            if owner != org.id:
                fieldname = "name" if i == 0 else f"aliases[{i - 1}]"
                errors.append(
                    KnowledgeError(
                        display,
                        f"org '{org.id}'",
                        fieldname,
                        f"'{name}' is already a name or alias of org '{owner}'",
                    )
                )


def _load_synonyms(root: Path, errors: list[KnowledgeError]) -> tuple[Synonym, ...]:
    """The synonym table (optional: a knowledge base without the file has no synonyms)."""
    path = root / SYNONYMS_FILE
    if not path.is_file():
        return ()
    display = f"{root.name}/{SYNONYMS_FILE}"
    raws = _table_rows(path, display, "synonym", errors)
    if raws is None:
        return ()
    synonyms: list[Synonym] = []
    meaning_of: dict[str, str] = {}
    for position, raw in enumerate(raws):
        label = f"synonym #{position + 1}"
        synonym = _convert(raw, Synonym, (display, label), errors)
        if synonym is None:
            continue
        if not synonym.words and not synonym.also:
            errors.append(KnowledgeError(display, label, "words", "give at least one word"))
        for fieldname in ("words", "also"):
            for i, word in enumerate(getattr(synonym, fieldname)):
                # Compared as the index reads words: "kid" and "kids" are one word.
                other = meaning_of.setdefault(stem(word.casefold()), synonym.means)
                if other != synonym.means:
                    problem = f"'{word}' already means '{other}'"
                    errors.append(KnowledgeError(display, label, f"{fieldname}[{i}]", problem))
        synonyms.append(synonym)
    return tuple(synonyms)


def _load_off_topic(root: Path, errors: list[KnowledgeError]) -> tuple[OffTopicSubject, ...]:
    """The off-topic subjects (optional: without the file, the classifier learns the entries
    alone)."""
    path = root / OFF_TOPIC_FILE
    if not path.is_file():
        return ()
    display = f"{root.name}/{OFF_TOPIC_FILE}"
    raws = _table_rows(path, display, "subject", errors)
    if raws is None:
        return ()
    subjects: list[OffTopicSubject] = []
    for position, raw in enumerate(raws):
        subject = _convert(raw, OffTopicSubject, (display, f"subject #{position + 1}"), errors)
        if subject is None:
            continue
        if any(s.name == subject.name for s in subjects):
            label = f"subject '{subject.name}'"
            errors.append(KnowledgeError(display, label, "name", "duplicate subject name"))
            continue
        subjects.append(subject)
    return tuple(subjects)


def validate_knowledge(
    path: Path, today: dt.date | None = None
) -> tuple[Knowledge | None, list[KnowledgeError]]:
    """Load the knowledge base at ``path``; return it (or None) and every error found."""
    root = Path(path)
    errors: list[KnowledgeError] = []
    if not root.is_dir():
        return None, [KnowledgeError(str(root), "", "", "knowledge folder not found")]
    loaded = {kind: _load_kind(root, kind, errors) for kind in ENTRY_FILES}
    loaded["orgs"] = _load_orgs(root, errors)
    _check_references(loaded, today or dt.date.today(), errors)
    synonyms = _load_synonyms(root, errors)
    off_topic = _load_off_topic(root, errors)
    if errors:
        return None, errors
    entries = {kind: {i: e for i, (_, e) in items.items()} for kind, items in loaded.items()}
    knowledge = Knowledge(root, **entries, synonyms=synonyms, off_topic=off_topic)  # type: ignore[arg-type]
    return knowledge, []


def load_knowledge(path: Path) -> Knowledge:
    """Load and validate the knowledge base at ``path``; raise :class:`KnowledgeInvalid`."""
    knowledge, errors = validate_knowledge(path)
    if knowledge is None:
        raise KnowledgeInvalid(errors)
    return knowledge
