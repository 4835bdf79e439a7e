"""Extraction accuracy over the labelled pages written to reproduce real CMS markup."""

from __future__ import annotations

import pytest
from extraction_gold import gold_pages, score_all

GATE = 0.95


def test_the_corpus_is_large_enough() -> None:
    pages = gold_pages()
    assert len(pages) >= 25
    assert sum(len(p.expected["images"]) for p in pages) >= 60  # type: ignore[arg-type]
    assert any(not p.expected["images"] for p in pages), "a page with only chrome images"


def test_image_precision_and_recall_meet_the_gate() -> None:
    score = score_all()
    report = "\n".join(score.problems or [])
    assert score.precision >= GATE, f"precision {score.precision:.3f}\n{report}"
    assert score.recall >= GATE, f"recall {score.recall:.3f}\n{report}"


def test_caption_and_credit_accuracy_meet_the_gate() -> None:
    score = score_all()
    report = "\n".join(score.problems or [])
    assert score.caption_accuracy >= GATE, f"captions {score.caption_accuracy:.3f}\n{report}"
    assert score.credit_accuracy >= GATE, f"credits {score.credit_accuracy:.3f}\n{report}"


@pytest.mark.parametrize("page", gold_pages(), ids=lambda p: p.name)
def test_every_page_finds_its_lead_image(page: object) -> None:
    from extraction_gold import GoldPage

    from attribution.extract import extract_page, image_identity

    assert isinstance(page, GoldPage)
    expected = page.expected["images"]
    assert isinstance(expected, list)
    extracted = extract_page(page.html, str(page.expected["url"]))
    if not expected:
        assert extracted.images == ()
        return
    keys = {image_identity(u) for image in extracted.images for u in (image.src, *image.variants)}
    assert image_identity(expected[0]["src"]) in keys
