"""Speed (and, with --compare, accuracy) of /ask retrieval.

    python -m benchmarks.bench_ask             # timings on the shipped and a 10,000-entry base
    python -m benchmarks.bench_ask --compare   # the retrieval methods we compared, on the evals

Timings are printed, never asserted: tests must not depend on the machine's speed.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
from rapidfuzz import fuzz

import bot.knowledge.search as search_module
from bot.knowledge.loader import Knowledge, load_knowledge
from bot.knowledge.models import Criterion, Myth, Source, Term, Topic
from bot.knowledge.present import present_entry
from bot.knowledge.search import SEARCHED_KINDS, SearchIndex, _entry_fields
from bot.knowledge.text import fold_for_search

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
PARAPHRASES = ROOT / "tests" / "data" / "ask_paraphrases.toml"
SHARED_EVAL = [
    ROOT.parent / "shared" / "eval" / "questions.toml",
    Path("/work/shared/eval/questions.toml"),
]


def _ms(seconds: float) -> float:
    return seconds * 1000


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def _eval_cases() -> list[tuple[str, list[str]]]:
    cases: list[tuple[str, list[str]]] = []
    for path in SHARED_EVAL:
        if path.is_file():
            cases += [(c["q"], c["expect"]) for c in tomllib.loads(path.read_text())["case"]]
            break
    return cases


def _paraphrases() -> tuple[list[tuple[str, list[str]]], list[str]]:
    data = tomllib.loads(PARAPHRASES.read_text())
    return [(c["q"], c["expect"]) for c in data["case"]], [c["q"] for c in data["offtopic"]]


def _typo(text: str, rng: random.Random) -> str:
    """One swapped or dropped letter in a longer word, as members type."""
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) > 5]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :] if rng.random() < 0.5 else w[:j] + w[j + 1 :]
    return " ".join(words)


def _questions(knowledge: Knowledge, n: int, seed: int = 7) -> list[str]:
    """A few hundred varied questions: the evals, entry names and aliases, typos, off-topic."""
    rng = random.Random(seed)
    base = [q for q, _ in _eval_cases()]
    cases, offtopic = _paraphrases()
    base += [q for q, _ in cases] + offtopic
    for kind in SEARCHED_KINDS:
        for entry in getattr(knowledge, kind).values():
            _, names, strong, _ = _entry_fields(kind, entry)
            base += [f"what is {names[0]}?", *names[1:3], strong[0][:80]]
    questions = base + [_typo(q, rng) for q in base]
    rng.shuffle(questions)
    return (questions * (n // max(len(questions), 1) + 1))[:n]


def _time_answers(index: SearchIndex, questions: list[str]) -> list[float]:
    for q in questions[:20]:  # warm caches the way a running bot has them
        index.answer(q)
    times = []
    for q in questions:
        # Time the retrieval itself: answer() remembers wordings, and a repeated question
        # would only measure that cache.
        index._answers.clear()
        start = time.perf_counter()
        index.answer(q)
        times.append(_ms(time.perf_counter() - start))
    return times


def synthetic_knowledge(entries: int, seed: int = 1) -> Knowledge:
    """A knowledge base of ``entries`` generated entries over a realistic vocabulary."""
    rng = random.Random(seed)
    words = re.findall(
        r"[a-z]{4,}",
        " ".join(p.read_text().casefold() for p in (ROOT / "knowledge").glob("*.toml"))
        or "trafficking organization survivors services police funding housing decriminalization",
    )
    vocab = sorted(set(words)) + [f"zq{i}x" for i in range(2000)]

    def text(lo: int, hi: int) -> str:
        return " ".join(rng.choice(vocab) for _ in range(rng.randint(lo, hi)))

    reviewed = "2024-01-01"
    source = msgspec.convert(
        {
            "id": "s",
            "title": "S",
            "author": "A",
            "year": "2020",
            "short": "S 2020",
            "reviewed": reviewed,
        },
        Source,
    )
    common = {"sources": ["s"], "reviewed": reviewed}
    per_kind = entries // 4
    criteria = {
        f"c-{i}": msgspec.convert(
            {
                **common,
                "id": f"c-{i}",
                "number": i,
                "title": text(3, 8),
                "question": text(10, 25),
                "why": text(40, 90),
                "green_flags": [text(4, 10) for _ in range(3)],
                "red_flags": [text(4, 10) for _ in range(3)],
                "how_to_check": [text(4, 10) for _ in range(2)],
            },
            Criterion,
        )
        for i in range(1, 11)
    }
    myths = {
        f"m-{i}": msgspec.convert(
            {
                **common,
                "id": f"m-{i}",
                "title": text(4, 10),
                "aliases": [text(1, 4) for _ in range(3)],
                "claim": text(10, 30),
                "verdict": "false",
                "short": text(10, 30),
                "explanation": text(40, 120),
                "keywords": [text(1, 2) for _ in range(4)],
                "numbers": [
                    {
                        "value": f"{rng.randint(1, 999)},000",
                        "meaning": text(3, 8),
                        "origin": text(2, 5),
                        "source": "s",
                    }
                ],
            },
            Myth,
        )
        for i in range(per_kind)
    }
    terms = {
        f"t-{i}": msgspec.convert(
            {
                **common,
                "id": f"t-{i}",
                "name": text(1, 3),
                "aliases": [text(1, 3)],
                "definition": text(15, 50),
                "note": text(10, 30),
            },
            Term,
        )
        for i in range(per_kind)
    }
    topics = {
        f"p-{i}": msgspec.convert(
            {
                **common,
                "id": f"p-{i}",
                "title": text(3, 8),
                "summary": text(40, 100),
                "points": [text(5, 12) for _ in range(4)],
            },
            Topic,
        )
        for i in range(entries - 10 - 2 * per_kind)
    }
    return Knowledge(
        path=Path("synthetic"),
        sources={"s": source},
        criteria=criteria,
        myths=myths,
        terms=terms,
        topics=topics,
        orgs={},
    )


def bench(questions: int = 400) -> None:
    """Print the timing table."""
    rows: list[tuple[str, float, float, str]] = []
    start = time.perf_counter()
    knowledge = load_knowledge(KNOWLEDGE)
    load = _ms(time.perf_counter() - start)
    start = time.perf_counter()
    index = SearchIndex.build(knowledge)
    build = _ms(time.perf_counter() - start)
    rows.append(("shipped: load knowledge", load, 0, ""))
    rows.append(("shipped: build index", build, 0, ""))
    rows.append(("shipped: load + build", load + build, 300, "< 300 ms total"))
    times = _time_answers(index, _questions(knowledge, questions))
    rows.append((f"shipped: answer() p50 ({len(times)} q)", statistics.median(times), 0, ""))
    rows.append((f"shipped: answer() p99 ({len(times)} q)", _percentile(times, 99), 2, "< 2 ms"))

    synthetic = synthetic_knowledge(10_000)
    start = time.perf_counter()
    big = SearchIndex.build(synthetic)
    rows.append(("10k synthetic: build index", _ms(time.perf_counter() - start), 0, ""))
    rng = random.Random(3)
    synth_questions = _questions(knowledge, questions)
    titles = [t.name for t in list(synthetic.terms.values())[:200]]
    synth_questions += [f"what is {rng.choice(titles)}" for _ in range(questions // 2)]
    times = _time_answers(big, synth_questions)
    rows.append((f"10k synthetic: answer() p50 ({len(times)} q)", statistics.median(times), 0, ""))
    rows.append(
        (f"10k synthetic: answer() p99 ({len(times)} q)", _percentile(times, 99), 20, "< 20 ms")
    )
    start = time.perf_counter()
    for prefix in ("a", "de", "traf", "sup", "zq1", ""):
        big.complete("myths", prefix)
    rows.append(("10k synthetic: complete() x6", _ms(time.perf_counter() - start), 0, ""))

    print(f"{'measure':44} {'ms':>9}  target")
    for name, value, target, label in rows:
        verdict = ("met" if value < target else "NOT met") if target else ""
        print(f"{name:44} {value:9.3f}  {label} {verdict}".rstrip())


# -- comparison of methods ----------------------------------------------------------------------

Method = Callable[[str], tuple[tuple[str, str] | None, float]]


def _fuzzy_names(knowledge: Knowledge) -> Method:
    """Baseline B: rapidfuzz WRatio of the question against names, aliases, claims, keywords."""
    docs = []
    for kind in SEARCHED_KINDS:
        for entry in getattr(knowledge, kind).values():
            _, names, strong, _ = _entry_fields(kind, entry)
            docs.append(((kind, entry.id), [fold_for_search(t) for t in [*names, *strong] if t]))

    def run(question: str) -> tuple[tuple[str, str] | None, float]:
        q = fold_for_search(question)
        best, score = None, 0.0
        for key, texts in docs:
            s = max(fuzz.WRatio(q, t) for t in texts)
            if s > score:
                best, score = key, s
        return best, score / 100

    return run


def _fts5(knowledge: Knowledge) -> Method:
    """Baseline C: SQLite FTS5 (porter stemmer) with bm25() column weights, OR query."""
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE e USING fts5(key UNINDEXED, name, strong, body, tokenize='porter')"
    )
    for kind in SEARCHED_KINDS:
        for entry in getattr(knowledge, kind).values():
            _, names, strong, body = _entry_fields(kind, entry)
            db.execute(
                "INSERT INTO e VALUES (?, ?, ?, ?)",
                (f"{kind}:{entry.id}", " ".join(names), " ".join(strong), " ".join(body)),
            )

    def run(question: str) -> tuple[tuple[str, str] | None, float]:
        words = [w for w in re.findall(r"\w+", fold_for_search(question)) if len(w) > 2]
        if not words:
            return None, 0.0
        query = " OR ".join(f'"{w}"' for w in words)
        row = db.execute(
            "SELECT key, bm25(e, 6.0, 2.5, 1.0) AS s FROM e WHERE e MATCH ? ORDER BY s LIMIT 1",
            (query,),
        ).fetchone()
        if row is None:
            return None, 0.0
        kind, _, entry_id = row[0].partition(":")
        # bm25() is negative, lower is better; squash to 0-1 for a threshold sweep.
        return (kind, entry_id), 1 - 1 / (1 + -row[1])

    return run


def _ours(knowledge: Knowledge, **settings: Any) -> Method:
    saved = {k: getattr(search_module, k) for k in settings}
    for k, v in settings.items():
        setattr(search_module, k, v)
    index = SearchIndex.build(knowledge)

    def run(question: str) -> tuple[tuple[str, str] | None, float]:
        for k, v in settings.items():
            setattr(search_module, k, v)
        try:
            hits = index.search(question, limit=1)
        finally:
            for k, v in saved.items():
                setattr(search_module, k, v)
        return ((hits[0].kind, hits[0].id), hits[0].score) if hits else (None, 0.0)

    for k, v in saved.items():
        setattr(search_module, k, v)
    return run


def compare() -> None:
    """Accuracy of each method on the evals; thresholds swept, the best one reported."""
    knowledge = load_knowledge(KNOWLEDGE)
    texts: dict[tuple[str, str], str] = {}

    def text_of(key: tuple[str, str]) -> str:
        if key not in texts:
            data = present_entry(knowledge, *key).data
            texts[key] = f"{data['title']}\n{data['text']}".casefold()
        return texts[key]

    evals = [c for c in _eval_cases() if c[1]]
    paraphrases, offtopic = _paraphrases()
    held_out = [
        (c["q"], c["expect"]) for c in tomllib.loads(PARAPHRASES.read_text()).get("holdout", [])
    ]
    offtopic += [q for q, e in _eval_cases() if not e]
    methods: dict[str, Method] = {
        "A  BM25F + normalization + fuzzy, coverage confidence (shipped)": _ours(knowledge),
        "A2 same, ranked by confidence instead of BM25F": _ours(knowledge, RANK_BY="confidence"),
        "A3 same, without typo/prefix matching": _ours(knowledge, FUZZY_MIN=100.0, PREFIX_MIN=99),
        "A4 same, equal field weights": _ours(
            knowledge, FIELD_WEIGHTS=(1.0, 1.0, 1.0), FIELD_COVERAGE=(1.0, 1.0, 1.0)
        ),
        "B  rapidfuzz WRatio on names/claims": _fuzzy_names(knowledge),
        "C  SQLite FTS5 porter, bm25 weighted": _fts5(knowledge),
    }
    print(
        f"{'method':64} {'thr':>5} {'eval':>7} {'para':>7} {'held-out':>7} {'wrong':>6} "
        f"{'off-topic':>10}"
    )
    for name, method in methods.items():
        results = {
            "eval": [(method(q), e) for q, e in evals],
            "para": [(method(q), e) for q, e in paraphrases],
            "hold": [(method(q), e) for q, e in held_out],
            "off": [method(q) for q in offtopic],
        }

        def score_at(
            thr: float, results: dict[str, Any] = results
        ) -> tuple[int, int, int, int, int]:
            def ok(item: Any) -> bool:
                (key, s), expect = item
                return (
                    key is not None
                    and s >= thr
                    and any(w.casefold() in text_of(key) for w in expect)
                )

            def wrong(item: Any) -> bool:
                (key, s), _ = item
                return key is not None and s >= thr and not ok(item)

            answered = [*results["eval"], *results["para"], *results["hold"]]
            return (
                sum(map(ok, results["eval"])),
                sum(map(ok, results["para"])),
                sum(map(ok, results["hold"])),
                sum(map(wrong, answered)),
                sum(1 for key, s in results["off"] if key is not None and s >= thr),
            )

        if name.startswith("A"):
            thresholds = [search_module.ANSWER_THRESHOLD]
        else:
            # Give the baselines their best threshold: most correct answers minus 3 x off-topic.
            thresholds = [i / 100 for i in range(0, 100)]
        thr = max(thresholds, key=lambda t: (lambda r: r[0] + r[1] - 3 * r[4])(score_at(t)))
        e, p, h, w, o = score_at(thr)
        print(
            f"{name:64} {thr:5.2f} {e:3}/{len(evals):<3} {p:3}/{len(paraphrases):<3} "
            f"{h:3}/{len(held_out):<3} {w:6} {o:6}/{len(offtopic)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="compare retrieval methods")
    parser.add_argument("--questions", type=int, default=400)
    args = parser.parse_args()
    if args.compare:
        compare()
    else:
        bench(args.questions)


if __name__ == "__main__":
    main()
