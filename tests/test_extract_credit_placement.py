"""Where a page prints an image's credit: beside it, once for all the article's pictures,
or not at all; and where caption text ends and the credit starts."""

from __future__ import annotations

from attribution.extract import extract_page

URL = "https://news.example.com/story/"


def page(body: str) -> str:
    return f"<html><head></head><body><article>{body}</article></body></html>"


def paragraphs(count: int) -> str:
    return "".join(
        f"<p>{'Words of the story, sentence after sentence. ' * 12}</p>" for _ in range(count)
    )


def credits_of(html: str) -> list[str | None]:
    return [image.credit for image in extract_page(html, URL).images]


def test_a_video_caption_in_the_article_is_not_the_credit_of_a_later_image() -> None:
    html = page(
        "<div class='entry-content'>"
        + paragraphs(2)
        + "<div class='video'><object data='player.swf'></object><span class='caption'>Two "
        "editors discuss the speech. (Video by Jane Roe | Example Media for Example.com)</span></div>"
        + paragraphs(2)
        + "<div><div><span class='slide'><img src='/gallery/one.jpg' width=800 height=600>"
        "</span></div></div></div>"
    )
    image = extract_page(html, URL).images[0]
    assert (image.caption, image.credit) == (None, None)


def test_photos_label_at_the_end_of_the_article_credits_every_picture() -> None:
    html = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<figure><img src='/b.jpg' width=800 height=600><figcaption>The trail.</figcaption>"
        "</figure>"
        + paragraphs(1)
        + "<p><strong>Words:</strong> Ann Writer <strong>Photos:</strong> Jane Doe</p>"
    )
    assert credits_of(html) == ["Jane Doe", "Jane Doe"]


def test_a_bracketed_list_of_image_credits_credits_every_picture() -> None:
    html = page(
        "<img src='/a.jpg' width=800 height=600><img src='/b.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<p><small>(Image credits: <a href='/x'>Example Shop</a>; Jane Doe; John Roe)</small></p>"
    )
    credits = credits_of(html)
    assert len(credits) == 2 and credits[0] == credits[1]
    assert credits[0] is not None and "Jane Doe; John Roe" in credits[0]


def test_images_by_after_a_comma_in_a_closing_line_credits_every_picture() -> None:
    html = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<p><em>See more photos in the <a href='/g'>gallery</a>, images by "
        "<a href='https://jane.example'>Jane Doe</a></em></p>"
    )
    assert credits_of(html) == ["Jane Doe"]


def test_a_german_bildcredit_line_credits_the_picture() -> None:
    html = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<hr><div><p>Bildcredit: (c) janedoe - stockexample.com</p></div>"
    )
    credits = credits_of(html)
    assert credits[0] is not None and "janedoe - stockexample.com" in credits[0]


def test_a_picture_with_its_own_credit_keeps_it() -> None:
    html = page(
        "<figure><img src='/a.jpg' width=800 height=600><figcaption>Harbour. Photo: John Roe"
        "</figcaption></figure><img src='/b.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<p>Photos: Jane Doe</p>"
    )
    assert credits_of(html) == ["John Roe", "Jane Doe"]


def test_no_blanket_credit_from_headlines_sidebars_or_several_lines() -> None:
    headline = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(3)
        + "<p>Photos: the best of the year</p>"
    )
    assert credits_of(headline) == [None]
    sidebar = (
        "<html><body><article><img src='/a.jpg' width=800 height=600>"
        + paragraphs(1)
        + "</article><aside><p>Photos: Jane Doe</p></aside></body></html>"
    )
    assert credits_of(sidebar) == [None]
    several = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(3)
        + "<p>Photos: Jane Doe</p>"
        + paragraphs(1)
        + "<p>Photos: John Roe</p>"
    )
    assert credits_of(several) == [None]
    sentence = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(3)
        + "<p>"
        + "Long text. " * 30
        + "Photos: Jane Doe</p>"
    )
    assert credits_of(sentence) == [None]
