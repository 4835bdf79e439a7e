"""The labelled page corpus (tests/fixtures/pages) and its scoring, shared by the
accuracy test and the extraction benchmark."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from attribution.extract import extract_page, image_identity
from attribution.records import ExtractedPage

PAGES = Path(__file__).parent / "fixtures" / "pages"
_LABEL = re.compile(
    r"^(?:photo(?:graph)?\s*credit|photo(?:graph)?|image\s*source|image|credit|foto|bild"
    r"|cr[ée]dit\s*photo|illustration)\s*(?::|…|\.\.\.|,)\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class GoldPage:
    name: str
    html: bytes
    expected: dict[str, object]


def gold_pages() -> list[GoldPage]:
    """Every page with its expected images, sorted by name."""
    pages = []
    for expected_path in sorted(PAGES.glob("*.expected.json")):
        name = expected_path.name.removesuffix(".expected.json")
        pages.append(
            GoldPage(
                name=name,
                html=(PAGES / f"{name}.html").read_bytes(),
                expected=json.loads(expected_path.read_text(encoding="utf-8")),
            )
        )
    return pages


def normalise(text: object) -> str | None:
    """Text compared loosely: case, spacing, labels, brackets and end punctuation aside."""
    if text is None:
        return None
    value = re.sub(r"\s+", " ", str(text)).strip()
    value = _LABEL.sub("", value)
    value = re.sub(r"^(?:photo|image)\s+by\s+", "", value, flags=re.IGNORECASE)
    value = value.strip(" .;,|—–-")
    while len(value) >= 2 and value[0] in "([" and value[-1] in ")]":
        value = value[1:-1].strip(" .")
    return value.casefold() or None


@dataclass
class Score:
    expected: int = 0
    extracted: int = 0
    matched: int = 0
    captions_right: int = 0
    credits_right: int = 0
    problems: list[str] | None = None

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def caption_accuracy(self) -> float:
        return self.captions_right / self.matched if self.matched else 1.0

    @property
    def credit_accuracy(self) -> float:
        return self.credits_right / self.matched if self.matched else 1.0


def score_page(page: GoldPage, extracted: ExtractedPage, score: Score) -> None:
    """Add one page's matches and mismatches to ``score``."""
    problems = score.problems if score.problems is not None else []
    score.problems = problems
    expected_images = page.expected["images"]
    assert isinstance(expected_images, list)
    score.expected += len(expected_images)
    score.extracted += len(extracted.images)
    unmatched = list(extracted.images)
    for wanted in expected_images:
        key = image_identity(wanted["src"])
        match = next(
            (
                image
                for image in unmatched
                if image.src == wanted["src"]
                or key in {image_identity(u) for u in (image.src, *image.variants)}
            ),
            None,
        )
        if match is None:
            problems.append(f"{page.name}: missed {wanted['src']}")
            continue
        unmatched.remove(match)
        score.matched += 1
        if normalise(match.caption) == normalise(wanted["caption"]):
            score.captions_right += 1
        else:
            problems.append(
                f"{page.name}: caption of {wanted['src']}: "
                f"{match.caption!r} != {wanted['caption']!r}"
            )
        if normalise(match.credit) == normalise(wanted["credit"]):
            score.credits_right += 1
        else:
            problems.append(
                f"{page.name}: credit of {wanted['src']}: {match.credit!r} != {wanted['credit']!r}"
            )
    for extra in unmatched:
        problems.append(f"{page.name}: extra image {extra.src}")


def score_all() -> Score:
    """Extract every gold page and score the lot."""
    score = Score(problems=[])
    for page in gold_pages():
        extracted = extract_page(page.html, str(page.expected["url"]))
        score_page(page, extracted, score)
    return score


if __name__ == "__main__":
    result = score_all()
    for line in result.problems or []:
        print(line)
    print(
        f"images: precision {result.precision:.3f} recall {result.recall:.3f} "
        f"({result.matched}/{result.expected} expected, {result.extracted} extracted); "
        f"captions {result.caption_accuracy:.3f}; credits {result.credit_accuracy:.3f}"
    )
