"""One knowledge base through a whole check: extraction splits captions with it, and each
credit's words are read once per check, however often extraction and evaluation ask."""

from __future__ import annotations

import shutil
from collections import Counter
from typing import Any

import pytest

from attribution.credits import parse
from attribution.licences import KnowledgeBase, data_dir, load_knowledge_base
from attribution.pipeline import check_html

URL = "https://news.example/article"

FIGURES = """<html><head><title>t</title></head><body><article>
<figure><img src="/a.jpg"><figcaption>Art depicting two leaders. Photo credit: arctic penguin /
<a href="https://www.flickr.com/photos/arcticpenguin/1">Flickr</a>
(<a href="https://creativecommons.org/licenses/by-nc/2.0/">CC BY-NC 2.0</a>)</figcaption></figure>
<figure><img src="/b.jpg"><figcaption>Firefighters battle a blaze near Patras on Saturday.
<span class="credit">Owen Mallory/Getty Images</span></figcaption></figure>
<figure><img src="/c.jpg"><figcaption>Morning light on the canal at dawn. Ilse Brandt /
<a href="https://www.flickr.com/photos/ilse/2">Flickr</a></figcaption></figure>
<figure><img src="/d.jpg"><figcaption>A man walks past the old station on Monday.
Zorblat Pictures</figcaption></figure>
</article></body></html>"""


@pytest.fixture(scope="module")
def custom_kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The shipped knowledge base with one more way of printing Reuters' name."""
    folder = tmp_path_factory.mktemp("kb") / "licences"
    shutil.copytree(data_dir(), folder)
    providers = folder / "providers.toml"
    text = providers.read_text("utf-8")
    old = '"Reuters", "Thomson Reuters"'
    assert old in text
    providers.write_text(text.replace(old, '"Reuters", "Zorblat Pictures", "Thomson Reuters"'))
    return load_knowledge_base(folder)


def test_check_html_splits_captions_with_the_knowledge_base_it_is_given(
    custom_kb: KnowledgeBase,
) -> None:
    default = check_html(FIGURES, URL).images[3]
    assert default.image.credit is None
    assert default.image.caption is not None and "Zorblat Pictures" in default.image.caption

    custom = check_html(FIGURES, URL, kb=custom_kb).images[3]
    assert custom.image.credit == "Zorblat Pictures"
    assert custom.image.caption == "A man walks past the old station on Monday."
    assert custom.credit is not None and custom.credit.provider == "Reuters"


def test_each_credit_is_read_once_per_check(
    custom_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    words: Counter[tuple[str, int]] = Counter()
    parses: Counter[tuple[str, tuple[str, ...], int]] = Counter()
    read_words, full_parse = parse._read_words, parse._parse

    def counted_words(text: str, kb: KnowledgeBase) -> Any:
        words[text, id(kb)] += 1
        return read_words(text, kb)

    def counted_parse(text: str, hrefs: tuple[str, ...], kb: KnowledgeBase, house: Any) -> Any:
        parses[text, hrefs, id(kb)] += 1
        return full_parse(text, hrefs, kb, house)

    monkeypatch.setattr(parse, "_read_words", counted_words)
    monkeypatch.setattr(parse, "_parse", counted_parse)
    for cache in (parse._parse_cached, parse._words_cached, parse._read_cached):
        cache.cache_clear()

    result = check_html(FIGURES, URL, kb=custom_kb)

    credits = [image.credit for image in result.images]
    assert all(credit is not None for credit in credits)
    assert len(credits) == 4
    assert {kb for _, kb in words} == {id(custom_kb)}  # no other knowledge base was used
    for credit in credits:
        assert credit is not None
        assert words[credit.text, id(custom_kb)] == 1, credit.text
    assert max(words.values()) == 1
    assert max(parses.values()) == 1
    # Extraction read "Ilse Brandt / Flickr" to split its caption, before its links were
    # known; the check parsed it again with its link, without reading its words again.
    linked = [key for key in parses if key[0] == "Ilse Brandt / Flickr"]
    assert len(linked) == 2


def test_a_whole_check_splits_captions_with_its_knowledge_base(
    custom_kb: KnowledgeBase, tmp_path: Any
) -> None:
    from attribution.app.check import CheckOptions, check_targets

    page = tmp_path / "page.html"
    page.write_text(FIGURES, encoding="utf-8")
    options = CheckOptions(base_url=URL, read_images=False, record=False, kb=custom_kb)
    (result,) = check_targets([str(page)], options).pages
    assert result.images[3].image.credit == "Zorblat Pictures"
    assert result.images[3].credit is not None and result.images[3].credit.provider == "Reuters"
