"""The quick URL split and join give exactly what ``urllib.parse`` gives."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.extract.urlparts import join_to, split_url, url_hostname

BASES = [
    "https://news.example/world/2024/story.html",
    "https://news.example",
    "https://news.example/",
    "http://news.example/section/",
    "https://user:pw@news.example:8443/a/b?page=2#top",
    "https://news.example/a;jsessionid=1/b",
    "https://news.example/a//b/c.html",
    "https://news.example/a/./b/../c",
    "https://news.example/story?id=7",
    "HTTPS://News.Example/Story",
    "https://[::1]/x",
    "file:///home/reader/page.html",
    "",
]

HREFS = [
    "",
    "photo.jpg",
    "./photo.jpg",
    "../img/photo.jpg",
    "../../../../photo.jpg",
    "img//photo.jpg",
    "/img/photo.jpg",
    "/img/../photo.jpg",
    "//cdn.example/photo.jpg",
    "///photo.jpg",
    "//",
    "https://cdn.example/photo.jpg?w=600#x",
    "HTTPS://cdn.example/photo.jpg",
    "http://cdn.example/photo.jpg",
    "https:photo.jpg",
    "https:",
    "?w=600",
    "#gallery",
    "photo.jpg?",
    "photo.jpg#",
    "a:b/photo.jpg",
    "img/a:b.jpg",
    "data:image/gif;base64,R0lGOD",
    "photo;v=2.jpg",
    " photo.jpg",
    "pho\tto.jpg",
    "//cdn.example:8080/photo.jpg",
    "//user@CDN.example/photo.jpg",
    "//[::1/photo.jpg",
    "Übersicht.jpg",
    ".",
    "..",
    "a/.",
]


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize("href", HREFS)
def test_join_is_urljoin(base: str, href: str) -> None:
    assert _outcome(join_to, base, href) == _outcome(urljoin, base, href)


@pytest.mark.parametrize("url", HREFS + BASES)
def test_split_is_urlsplit(url: str) -> None:
    assert _outcome(split_url, url) == _outcome(lambda u: tuple(urlsplit(u)), url)
    assert _outcome(url_hostname, url) == _outcome(lambda u: urlsplit(u).hostname, url)


_URL_PIECES = st.lists(
    st.sampled_from(
        [*"ab/.:?#;@%[]-_~!$&'()*+,= \tÄ", "//", "../", "./", "http:", "https:", "HTTPS:"]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(BASES), _URL_PIECES)
def test_join_is_urljoin_for_any_href(base: str, href: str) -> None:
    assert _outcome(join_to, base, href) == _outcome(urljoin, base, href)
    assert _outcome(split_url, href) == _outcome(lambda u: tuple(urlsplit(u)), href)
    assert _outcome(url_hostname, href) == _outcome(lambda u: urlsplit(u).hostname, href)


def _outcome(function: object, *args: str) -> object:
    try:
        return ("value", function(*args))  # type: ignore[operator]
    except ValueError:
        return ("ValueError",)


def test_the_month_an_image_was_filed_under_is_read_from_its_dated_folders() -> None:
    from attribution.extract.urls import filed_month

    assert filed_month("https://cdn.example.com/2020/11/02/16/waves.jpg?width=640") == (2020, 11)
    assert filed_month("https://example.com/wp-content/uploads/2023/07/quay-300x200.jpg") == (
        2023,
        7,
    )
    assert filed_month("https://example.com/img/20201102/waves.jpg") == (2020, 11)
    assert filed_month("https://example.com/img/2020-11-02/waves.jpg") == (2020, 11)
    # a year alone, a number that is no date, a date in the file name: no folder date
    assert filed_month("https://example.com/2020/waves.jpg") is None
    assert filed_month("https://example.com/1234/56/waves.jpg") is None
    assert filed_month("https://example.com/img/20201102.jpg") is None
