"""Galleries a picture on the page opens (``attribution.extract.lightbox``): the slides of
a lightbox are the article's pictures wherever the template puts the box, and a box that
shows none of its control's pictures is still judged by where it sits."""

from __future__ import annotations

import pytest

from attribution.extract import extract_page, lightbox

URL = "https://news.example.com/2024/05/lockdown-eases"
BODY = "<p>" + "Shops reopened across Europe on Monday after weeks of lockdown. " * 12 + "</p>"
CDN = "https://cdn.example.com/img/2024/05/"
NEWS = "https://cdn.example.com/pictures/"


def content(html: str) -> list[tuple[str, str | None, str | None]]:
    """(src, caption, credit text) of each content image."""
    return [
        (image.src, image.caption, image.credit)
        for image in extract_page(html, URL).images
        if image.role == "content"
    ]


def _slide(name: str, caption: str, credit: str, folder: str = CDN) -> str:
    return (
        f"<figure><div><amp-img src='{folder}{name}.jpg?width=640' layout='fill' alt=''></amp-img>"
        f"</div><div><figcaption><p>{caption}</p><p>{credit}</p></figcaption></div></figure>"
    )


def test_an_amp_lightbox_that_the_gallery_preview_opens_holds_the_articles_pictures() -> None:
    # The preview shows the lead picture and a thumbnail; a tap opens every slide, with
    # captions and credits, in a lightbox the template put in an <aside>.
    html = (
        "<html><body><article><h1>Lockdown eases</h1>" + BODY + "<div role='button' "
        "on='tap:gallery-7' class='gallery-btn'>"
        f"<amp-img src='{CDN}shops-1.jpg?width=968' width=968 height=645 alt=''></amp-img>"
        f"<amp-img src='{CDN}shops-2.jpg?width=230' width=230 height=152 alt=''></amp-img>"
        "</div><aside><amp-lightbox id='gallery-7' layout='nodisplay' hidden>"
        "<amp-carousel type='slides' on='slideChange:AMP.setState({g: event.index})'>"
        + _slide("shops-1", "A bridal shop reopens.", "Reuters")
        + _slide("shops-2", "Commuters in masks.", "AFP via Getty Images")
        + _slide("shops-3", "A salon at work.", "AFP via Getty Images")
        + "</amp-carousel></amp-lightbox></aside></article></body></html>"
    )
    assert content(html) == [
        (f"{CDN}shops-1.jpg?width=968", "A bridal shop reopens.", "Reuters"),
        (f"{CDN}shops-2.jpg?width=230", "Commuters in masks.", "AFP via Getty Images"),
        (f"{CDN}shops-3.jpg?width=640", "A salon at work.", "AFP via Getty Images"),
    ]


def test_a_modal_that_a_thumbnail_link_opens_is_the_gallery_in_full() -> None:
    # Bootstrap's data-bs-target, ARIA's aria-controls and a link to a fragment.
    for opener in (
        "<button data-bs-target='#harbour-box'>",
        "<button aria-controls='harbour-box'>",
        "<a href='#harbour-box'>",
    ):
        closing = "</a>" if opener.startswith("<a") else "</button>"
        html = (
            "<html><body><article><h1>Harbour</h1>" + BODY + opener
            + f"<img src='{CDN}quay-300x200.jpg' alt='The quay'>" + closing
            + "</article><div id='harbour-box' class='modal' hidden><figure>"
            f"<img src='{CDN}quay.jpg'><figcaption>The quay. Photo: Jane Roe</figcaption>"
            f"</figure><figure><img src='{CDN}cranes.jpg'><figcaption>The cranes. "
            "Photo: Jane Roe</figcaption></figure></div></body></html>"
        )  # fmt: skip
        assert [src for src, _, _ in content(html)] == [
            f"{CDN}quay-300x200.jpg",
            f"{CDN}cranes.jpg",
        ], opener
        assert content(html)[0][2] == "Jane Roe"


def test_a_box_that_shows_none_of_its_controls_pictures_is_judged_where_it_sits() -> None:
    # A menu button's icon opens the site's navigation; a newsletter badge opens a popup
    # with an offer: neither box shows the picture of the control that opens it.
    html = (
        "<html><body><header><button aria-controls='site-menu'>"
        f"<img src='{CDN}menu-icon.png' alt=''></button>"
        f"<nav id='site-menu'><img src='{CDN}site-brand.png' alt=''></nav></header>"
        "<article><h1>Harbour</h1>" + BODY + f"<figure><img src='{CDN}quay.jpg'>"
        "<figcaption>The quay. Photo: Jane Roe</figcaption></figure>"
        f"<a href='#offer'><img src='{CDN}newsletter-badge.png' alt=''></a></article>"
        f"<div id='offer' class='popup' hidden><img src='{CDN}offer-mug.jpg' width=600></div>"
        "</body></html>"
    )
    assert [src for src, _, _ in content(html)] == [f"{CDN}quay.jpg"]


def test_a_gallery_of_pictures_filed_after_the_page_last_changed_is_a_rolling_module() -> None:
    # "News in pictures": the site adds this week's pictures to every page it serves, an
    # article of September showing pictures filed in November. Its preview is chrome too.
    def page(modified: str) -> str:
        return (
            "<html><head><meta property='article:published_time' "
            "content='2020-09-28T12:41:29Z'><meta property='article:modified_time' "
            f"content='{modified}'></head><body><article><h1>Fines</h1>" + BODY
            + "<div on='tap:gallery-9' role='button'><h2>UK news in pictures</h2>"
            f"<amp-img src='{NEWS}2020/11/02/waves.jpg?width=640' "
            "alt='' width=640 height=360></amp-img></div>"
            "<aside><amp-lightbox id='gallery-9' layout='nodisplay' hidden><amp-carousel>"
            + _slide("2020/11/02/waves", "Waves over the harbour wall.", "PA", NEWS)
            + _slide("2020/09/14/storm", "A storm.", "PA", NEWS)
            + "</amp-carousel></amp-lightbox></aside></article></body></html>"
        )  # fmt: skip

    assert content(page("2020-09-28T18:27:38Z")) == []
    # The same gallery on a page changed since (a live page that added it) is its own.
    assert len(content(page("2020-11-03T09:00:00Z"))) == 2


def test_the_work_grows_with_the_page_not_with_its_square(monkeypatch: pytest.MonkeyPatch) -> None:
    # A hostile page: every one of many links opens one box of many other pictures.
    # Each box's pictures are read once, and no more of them than a preview could show.
    read = 0
    original = lightbox.image_identity

    def counted(url: str) -> str:
        nonlocal read
        read += 1
        return original(url)

    monkeypatch.setattr(lightbox, "image_identity", counted)

    def pictures_read(n: int) -> int:
        nonlocal read
        read = 0
        links = "".join(f"<a href='#box'><img src='/c/{i}.jpg'></a>" for i in range(n))
        box = "".join(f"<img src='/b/{i}.jpg'>" for i in range(n))
        extract_page(f"<html><body>{links}<div id='box'>{box}</div></body></html>", URL)
        return read

    assert pictures_read(400) < 6 * pictures_read(100)
