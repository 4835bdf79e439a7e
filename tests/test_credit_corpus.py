"""Credit parsing accuracy over the labelled corpus of credit lines publishers print."""

from __future__ import annotations

from credit_gold import FIELDS, load, score_captions, score_credits

GATE = 0.95


def test_the_corpus_is_large_and_varied() -> None:
    rows = load("credits.jsonl")
    assert len(rows) >= 300
    assert len({row["kind"] for row in rows}) >= 12
    assert sum(1 for row in rows if row.get("links")) >= 25
    assert len(load("captions.jsonl")) >= 100


def test_creator_provider_and_licence_accuracy_meet_the_gate() -> None:
    scores = score_credits()
    report = "\n".join(scores.problems)
    for name in ("creator", "provider", "licence"):
        assert scores.accuracy(name) >= GATE, f"{name} {scores.accuracy(name):.3f}\n{report}"
    assert set(FIELDS) >= {"creator", "provider", "licence"}


def test_creative_commons_licence_ids_are_exact() -> None:
    scores = score_credits()
    assert scores.cc_total >= 60
    assert scores.cc_exact == scores.cc_total, "\n".join(
        p for p in scores.problems if p.startswith("licence")
    )


def test_kind_accuracy() -> None:
    scores = score_credits()
    assert scores.accuracy("kind") >= 0.9, "\n".join(
        p for p in scores.problems if p.startswith("kind")
    )


def test_caption_and_credit_are_separated() -> None:
    scores = score_captions()
    assert scores.accuracy >= GATE, "\n".join(scores.problems)
