"""The labelled credit corpus (tests/corpus) and its field-accuracy scoring, shared by
the accuracy test and the benchmark. Run directly to list every disagreement."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extraction_gold import normalise

from attribution.credits import parse_credit, split_caption_credit
from attribution.licences import default_knowledge_base

CORPUS = Path(__file__).parent / "corpus"
FIELDS = ("creator", "provider", "licence", "kind")


def load(name: str) -> list[dict[str, Any]]:
    """Every labelled line of one corpus file."""
    lines = (CORPUS / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@dataclass
class FieldScores:
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    total: int = 0
    cc_total: int = 0
    cc_exact: int = 0
    problems: list[str] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        return self.right[name] / self.total if self.total else 1.0


def _names(values: list[str] | tuple[str, ...]) -> list[str]:
    return sorted(v.casefold().strip() for v in values)


def score_credits() -> FieldScores:
    """Parse every corpus credit and compare creator, provider, licence and kind."""
    kb = default_knowledge_base()
    scores = FieldScores()
    for row in load("credits.jsonl"):
        credit = parse_credit(row["text"], row.get("links", []), kb)
        got = {
            "creator": _names(credit.creators),
            "provider": credit.provider,
            "licence": credit.licence,
            "kind": credit.kind,
        }
        want = {
            "creator": _names(row["creator"]),
            "provider": row["provider"],
            "licence": row["licence"],
            "kind": row["kind"],
        }
        scores.total += 1
        for name in FIELDS:
            if got[name] == want[name]:
                scores.right[name] += 1
            else:
                scores.problems.append(
                    f"{name:8} {row['text']!r}: got {got[name]!r}, want {want[name]!r}"
                )
        if row["licence"] and (row["licence"].startswith("CC") or "CC-" in row["licence"]):
            scores.cc_total += 1
            scores.cc_exact += credit.licence == row["licence"]
    return scores


@dataclass
class SplitScores:
    right: int = 0
    total: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def score_captions() -> SplitScores:
    """Split every corpus caption and compare caption and credit."""
    scores = SplitScores()
    for row in load("captions.jsonl"):
        caption, credit = split_caption_credit(row["text"])
        scores.total += 1
        if normalise(caption) == normalise(row["caption"]) and normalise(credit) == normalise(
            row["credit"]
        ):
            scores.right += 1
        else:
            scores.problems.append(
                f"{row['text']!r}: got ({caption!r}, {credit!r}), "
                f"want ({row['caption']!r}, {row['credit']!r})"
            )
    return scores


if __name__ == "__main__":
    credits = score_credits()
    captions = score_captions()
    for line in credits.problems + captions.problems:
        print(line)
    print(
        "credits:",
        ", ".join(f"{name} {credits.accuracy(name):.3f}" for name in FIELDS),
        f"(n={credits.total}); CC licences exact {credits.cc_exact}/{credits.cc_total};",
        f"caption split {captions.accuracy:.3f} (n={captions.total})",
    )
