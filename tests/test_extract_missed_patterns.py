"""Images that extraction used to miss or merge: URLs in a site's own lazy attributes,
``<image>`` elements, and different pictures whose URLs look alike."""

from __future__ import annotations

from attribution.extract import extract_page

BASE = "https://news.example.com/story/"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def sources(html: str) -> list[str]:
    return [image.src for image in extract_page(html, BASE).images]


def test_an_image_element_outside_svg_is_an_img() -> None:
    html = page(
        "<p>Text.</p><p><image width='460' height='287' "
        "src='https://cdn.example.com/archive/0315/candles_3151768c.jpg'></image>"
        "<sub>People hold candles. Photo: D. Press</sub></p>"
    )
    assert sources(html) == ["https://cdn.example.com/archive/0315/candles_3151768c.jpg"]


def test_a_picture_placed_in_an_svg_drawing_is_an_image() -> None:
    html = page(
        "<p>Text.</p><figure><svg viewBox='0 0 800 600' width='800' height='600' "
        "aria-label='Rainfall map'><image href='/m/rainfall-map.png' width='800' height='600'/>"
        "<text x='10' y='20'>Legend</text></svg>"
        "<figcaption>Rain this week. Map: F. Weather</figcaption></figure>"
        "<svg width='640' height='480'><image xlink:href='/m/river-photo.jpg'></image></svg>"
    )
    images = extract_page(html, BASE).images
    assert [image.src for image in images] == [
        "https://news.example.com/m/rainfall-map.png",
        "https://news.example.com/m/river-photo.jpg",
    ]
    assert images[0].alt == "Rainfall map"
    assert images[0].caption == "Rain this week."


def test_an_svg_icon_is_still_not_an_image() -> None:
    html = page(
        "<p>Text.</p><a href='/share'><svg width='16' height='16'>"
        "<image href='/icons/share.png' width='16' height='16'/></svg></a>"
        "<svg><use xlink:href='#icon-mail'></use></svg>"
    )
    assert sources(html) == []
