"""Pages any site could publish on which a rule of chrome, blanket credits or picture
identity must not misfire: the story, its lead image, a captioned chart or photo stay
content, and a gallery promo is no credit."""

from __future__ import annotations

import pytest

from attribution.extract import extract_page
from attribution.extract.urls import image_identity

URL = "https://news.example.com/2024/05/harbour-opens"
BODY = "<p>" + "The harbour opened on Monday after three years of work. " * 14 + "</p>"
PROMO = "<p>" + "Our weekly magazine brings you the best reading of the week. " * 14 + "</p>"


def srcs(html: str, url: str = URL) -> list[str]:
    return [image.src for image in extract_page(html, url).images if image.origin != "og:image"]


def story_page(head: str, promo: str, story: str) -> str:
    return f"<html><head>{head}</head><body>{promo}{story}</body></html>"


PROMO_ARTICLE = (
    "<article class='featured'><h1>Read our weekly magazine</h1>"
    "<img src='/p/magazine.jpg' width=800 height=600>" + PROMO + "</article>"
)
STORY = (
    "<article><h1>Harbour opens after three years</h1><figure><img src='/p/quay.jpg'>"
    "<figcaption>The quay. Photo: Jane Roe</figcaption></figure>" + BODY + "</article>"
)


@pytest.mark.parametrize(
    ("head", "story"),
    [
        ("<meta property='og:title' content='Harbour opens after three years'>", STORY),
        ("<title>Harbour opens after three years | Example News</title>", STORY),
        ("", f"<main>{STORY}</main>"),
        (
            f"<link rel='canonical' href='{URL}'>",
            STORY.replace("<h1>Harbour opens", f"<h1><a href='{URL}'>Harbour</a> opens"),
        ),
    ],
    ids=["og-title", "title", "main", "canonical"],
)
def test_a_long_promo_article_before_the_story_does_not_take_its_place(
    head: str, story: str
) -> None:
    assert srcs(story_page(head, PROMO_ARTICLE, story)) == ["https://news.example.com/p/quay.jpg"]


def test_with_nothing_to_tell_the_first_full_article_is_the_story() -> None:
    html = story_page("", PROMO_ARTICLE, STORY)
    assert srcs(html) == ["https://news.example.com/p/magazine.jpg"]


def article(inner: str) -> str:
    return f"<html><body><article><h1>Harbour</h1>{inner}{BODY}</article></body></html>"


def test_a_lead_image_classed_as_the_articles_teaser_image_is_content() -> None:
    html = article("<div class='articleteaserimage'><img src='/p/lead.jpg'></div>")
    assert srcs(html) == ["https://news.example.com/p/lead.jpg"]


def test_a_figure_about_a_sponsorship_is_content() -> None:
    html = article(
        "<figure class='sponsorship-deal'><img src='/p/signing.jpg'>"
        "<figcaption>The club signs its new shirt deal. Photo: Jane Roe</figcaption></figure>"
    )
    assert srcs(html) == ["https://news.example.com/p/signing.jpg"]


@pytest.mark.parametrize(
    "name", ["approval-rating-poll.png", "wheel-loader-at-quarry.jpg", "button-mushrooms.jpg"]
)
def test_a_captioned_picture_whose_file_name_holds_a_widget_word_is_content(name: str) -> None:
    html = article(
        f"<figure><img src='/p/{name}'><figcaption>As the figures show. Photo: Jane Roe"
        "</figcaption></figure>"
    )
    assert srcs(html) == [f"https://news.example.com/p/{name}"]


def test_a_media_card_with_a_caption_and_a_link_to_the_photographer_is_content() -> None:
    html = article(
        "<div class='media-card'><img src='/p/harbour-master.jpg'>"
        "<p class='caption'>The harbour master at dawn. Photo: Jane Roe</p>"
        "<a class='title' href='https://janeroe.example/portfolio'>More pictures by Jane Roe "
        "of the harbour</a></div>"
    )
    assert srcs(html) == ["https://news.example.com/p/harbour-master.jpg"]


def credits_of(lines: str) -> list[str | None]:
    html = article(f"<img src='/p/harbour.jpg' width=800 height=600>{BODY}{lines}")
    return [image.credit for image in extract_page(html, URL).images]


@pytest.mark.parametrize(
    "line",
    [
        "Photos: Inside the City's Old Metro",
        "Photos: Inside The Old Metro",
        "Photos: Ten Years Of The Harbour",
        "Pictures: How The Quay Was Built",
    ],
)
def test_a_title_case_gallery_promo_is_no_blanket_credit(line: str) -> None:
    assert credits_of(f"<p>{line}</p>") == [None]


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photos: Jane Roe and Max Muster", "Jane Roe and Max Muster"),
        ("Photos: Jane Roe for Example News", "Jane Roe for Example News"),
        ("Fotos: dpa", "dpa"),
        ("Photos: Ann de la Cruz / Example Images", "Ann de la Cruz / Example Images"),
    ],
)
def test_a_blanket_line_of_names_is_a_blanket_credit(line: str, credit: str) -> None:
    assert credits_of(f"<p>{line}</p>") == [credit]


def test_pictures_told_apart_by_an_id_parameter_are_two_pictures() -> None:
    first = "https://img.example.com/getimage.php?id=42"
    second = "https://img.example.com/getimage.php?id=43"
    assert image_identity(first) != image_identity(second)
    assert image_identity(first + "&width=800") == image_identity(first + "&width=400&q=80")
    assert image_identity("https://img.example.com/show?photo=7&size=2") != image_identity(
        "https://img.example.com/show?photo=8&size=2"
    )
    html = article(
        f"<figure><img src='{first}'><figcaption>The quay. Photo: Jane Roe</figcaption></figure>"
        f"<figure><img src='{second}'><figcaption>The ferry. Photo: Jane Roe</figcaption>"
        "</figure>"
    )
    assert srcs(html) == [first, second]


@pytest.mark.parametrize(
    "line",
    ["Photos: A. Bee", "Photos: Will May and Ann Best", "Photos: Jane Roe, 14.03.2023"],
)
def test_initials_names_that_are_also_words_and_dates_stay_blanket_credits(line: str) -> None:
    assert credits_of(f"<p>{line}</p>") == [line.partition(": ")[2]]


def test_a_long_list_of_credits_may_hold_a_name_that_reads_as_a_title() -> None:
    line = "(Image credits: Example Shop; Jane Roe; Over the Garden Wall; Max Muster)"
    assert credits_of(f"<p>{line}</p>") == [line[16:-1]]
    assert credits_of("<p>Photos: Inside the Old Metro, and more</p>") == [None]
