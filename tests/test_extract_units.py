"""Focused cases of extraction: URL resolution, identity of sizes, chrome, captions."""

from __future__ import annotations

from attribution.extract import extract_page, image_identity


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def test_sizes_of_one_picture_share_an_identity() -> None:
    same = [
        "https://x.example/wp-content/uploads/2023/09/lanterns-1024x683.jpg",
        "https://x.example/wp-content/uploads/2023/09/lanterns.jpg",
        "https://x.example/wp-content/uploads/2023/09/lanterns-scaled.jpg",
    ]
    assert len({image_identity(u) for u in same}) == 1
    guardian = [
        "https://i.guim.co.uk/img/media/abc123/0_0_5000_3000/master/5000.jpg?width=620&s=1",
        "https://i.guim.co.uk/img/media/abc123/0_0_5000_3000/master/5000.jpg?width=1200&fit=crop",
    ]
    assert len({image_identity(u) for u in guardian}) == 1
    assert image_identity("https://x.example/a/photo.jpg") != image_identity(
        "https://x.example/b/photo.jpg"
    )


def test_relative_urls_resolve_against_base_href() -> None:
    html = page(
        "<figure><img src='media/a.jpg' width=800 height=600><figcaption>A. Photo: X</figcaption>"
        "</figure>",
        head="<base href='https://static.example.com/'>",
    )
    extracted = extract_page(html, "https://www.example.com/story/")
    assert extracted.images[0].src == "https://static.example.com/media/a.jpg"


def test_lazy_placeholder_uses_the_real_url_and_noscript_is_merged() -> None:
    html = page(
        "<figure><img class='lazyload' src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' "
        "data-src='/img/harbour.jpg' width=800 height=600>"
        "<noscript><img src='/img/harbour.jpg'></noscript>"
        "<figcaption>The harbour. <span class='credit'>Jane Doe</span></figcaption></figure>"
    )
    images = extract_page(html, "https://news.example.com/a").images
    assert len(images) == 1
    assert images[0].src == "https://news.example.com/img/harbour.jpg"
    assert images[0].caption == "The harbour."
    assert images[0].credit == "Jane Doe"


def test_chrome_is_left_out() -> None:
    html = (
        "<html><body><header><a href='/'><img src='/logo.png' alt='Site logo'></a><nav>x</nav>"
        "</header><article><p>Text</p><img src='/pixel.gif' width=1 height=1>"
        "<img src='/avatars/jane.jpg' class='author-avatar' width=48 height=48>"
        "<div class='related'><a href='/other-story/'><img src='/thumbs/other.jpg'>"
        "<h3>Other</h3></a></div></article>"
        "<aside><img src='/promo/banner.jpg'></aside></body></html>"
    )
    assert extract_page(html, "https://news.example.com/story/").images == ()


def test_og_image_of_a_shown_picture_is_one_image_and_of_an_unshown_one_is_listed() -> None:
    head = "<meta property='og:image' content='https://cdn.example.com/p/boats-1200x630.jpg'>"
    shown = page(
        "<figure><img src='https://cdn.example.com/p/boats-800x533.jpg' width=800 height=533>"
        "<figcaption>Boats. Photo: A</figcaption></figure>",
        head,
    )
    assert len(extract_page(shown, "https://n.example.com/").images) == 1
    unshown = page("<p>No pictures in the text.</p>", head)
    images = extract_page(unshown, "https://n.example.com/").images
    assert [i.origin for i in images] == ["og:image"]


def test_jsonld_image_object_supplies_credit_and_licence_link() -> None:
    head = (
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", "image": {"@type":'
        ' "ImageObject", "contentUrl": "https://c.example.com/lead.jpg", "creditText":'
        ' "Jane Doe/CC BY 4.0", "license": "https://creativecommons.org/licenses/by/4.0/",'
        ' "creator": {"@type": "Person", "name": "Jane Doe"}}}</script>'
    )
    html = page("<img src='https://c.example.com/lead.jpg' width=1200 height=800>", head)
    image = extract_page(html, "https://n.example.com/").images[0]
    assert image.credit == "Jane Doe/CC BY 4.0"
    assert "https://creativecommons.org/licenses/by/4.0/" in image.credit_links
    assert image.structured_value("creator") == "Jane Doe"


def test_broken_jsonld_and_markup_do_not_stop_extraction() -> None:
    html = (
        "<html><head><script type='application/ld+json'>{not json</script></head><body>"
        "<article><figure><img src='/a.jpg' width=900 height=600><figcaption>Caption <b>bold"
        "</figcaption></figure><div><p>unclosed</article>"
    )
    images = extract_page(html, "https://n.example.com/").images
    assert [i.src for i in images] == ["https://n.example.com/a.jpg"]
