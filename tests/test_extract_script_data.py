"""Pictures a page's scripts hold in data but have not drawn, read for a rendered check:
slideshows kept as JSON, a front end's lead picture and the article HTML it keeps to
draw from; and what is not a picture of the page (teasers, lists of other stories).

Every page here is made up for the test."""

from __future__ import annotations

import json

from attribution.extract import extract_page, image_identity
from attribution.extract.scripted import (
    MAX_DECODE_ATTEMPTS,
    read_script_data,
)
from attribution.records import ExtractedImage

BASE = "https://news.example.com/culture/2024/05/portraits/"


def page(body: str, script: str = "", head: str = "") -> str:
    return (
        f"<html><head>{head}</head><body><article><h1>Portraits</h1>"
        "<p>A story long enough to read as the article's text, about portraits.</p>"
        f"{body}</article><script>{script}</script></body></html>"
    )


def scripted(html: str) -> list[ExtractedImage]:
    return list(extract_page(html, BASE, script_data=True).images)


def plain(html: str) -> list[ExtractedImage]:
    return list(extract_page(html, BASE).images)


SLIDES = [
    {
        "title": "",
        "caption": "The painter at home, photographed by Ada Lens for the May issue.",
        "credit": "",
        "embed": {"url": "/photos/2024/05/painter-home-640.jpg", "width": "640"},
    },
    {
        "title": "",
        "caption": "",
        "credit": "Photo: Bo Shutter/Agence Example",
        "embed": {"url": "/photos/2024/05/painter-studio-640.jpg", "width": "640"},
    },
    {
        "title": "",
        "caption": "Sketches on the wall.",
        "credit": "Cy Frame",
        "embed": {"url": "/photos/2024/05/painter-sketches-640.jpg", "width": "640"},
    },
]


def test_a_slideshow_kept_in_script_data_is_read_with_its_captions_and_credits() -> None:
    html = page(
        "<div id='slideshow'></div>",
        f"window.slideshows = []; window.slideshows.push({json.dumps({'items': SLIDES})});",
    )
    assert plain(html) == []  # a plain check reads the markup as served
    images = scripted(html)
    assert [image.src for image in images] == [
        "https://news.example.com/photos/2024/05/painter-home-640.jpg",
        "https://news.example.com/photos/2024/05/painter-studio-640.jpg",
        "https://news.example.com/photos/2024/05/painter-sketches-640.jpg",
    ]
    assert {image.origin for image in images} == {"script"}
    assert {image.role for image in images} == {"content"}
    first, second, third = images
    assert first.caption == "The painter at home"
    assert first.credit is not None and "Ada Lens" in first.credit
    assert second.credit == "Photo: Bo Shutter/Agence Example"
    assert (third.caption, third.credit) == ("Sketches on the wall.", "Cy Frame")


def test_a_json_script_and_nested_slides_with_a_credit_field_of_their_own() -> None:
    state = {
        "slides": [
            {
                "item": {
                    "photoCredits": "Photo: Dee Camera",
                    "media": {
                        "formats": [
                            {"source": f"/images/star-{n:02d}.jpg", "name": "main"},
                            {"source": f"/images/star-{n:02d}-th.jpg", "name": "thumbnail"},
                        ]
                    },
                    # written after the picture, nearer the item: not the slide's picture
                    "search": {"image": f"/images/star-{n:02d}-search.jpg"},
                }
            }
            for n in range(3)
        ]
    }
    html = page("<div id='slides'></div>") + (
        f"<script type='application/json' id='state'>{json.dumps(state)}</script>"
    )
    images = scripted(html)
    assert [image.src.rsplit("/", 1)[-1] for image in images] == [
        "star-00.jpg",
        "star-01.jpg",
        "star-02.jpg",
    ]
    assert {image.credit for image in images} == {"Photo: Dee Camera"}


def test_lists_of_other_stories_are_not_galleries() -> None:
    related = [
        {
            "title": f"Another story {n}",
            "url": f"/culture/2024/05/another-story-{n}/",
            "image": {"url": f"/photos/another-{n}.jpg", "caption": f"Teaser {n}"},
        }
        for n in range(4)
    ]
    typed = [
        {
            "type": "article",
            "slug": f"/sport/match-{n}",
            "multimedia": [{"path": f"/photos/match-{n}.jpg", "credits": "Agence Example"}],
        }
        for n in range(4)
    ]
    linked_captions = [
        {
            "id": n,
            "caption": f'<a href="/home/before-after-{n}">Before &amp; After {n}</a>',
            "image": {"filename": f"before-after-{n}.jpg", "url": f"/photos/ba-{n}.jpg"},
        }
        for n in range(4)
    ]
    uncaptioned = [{"src": f"/photos/plain-{n}.jpg", "alt": ""} for n in range(4)]
    script = "".join(
        f"var list{n} = {json.dumps(value)};"
        for n, value in enumerate((related, typed, linked_captions, uncaptioned))
    )
    assert scripted(page("<p>More.</p>", script)) == []


def test_a_front_ends_lead_picture_is_read_but_not_a_teasers() -> None:
    state = {
        "type": "post",
        "title": "Portraits",
        # the page's own address, without the page number it is shown at ("…/3")
        "permalink": "//news.example.com/culture/2024/05/portraits/",
        "heroImage": "//news.example.com/uploads/2024/05/GettyImages-123456.jpg",
        "nextPost": {
            "link": "/culture/2024/05/another-story/",
            "featuredImage": {"url": "/uploads/2024/05/another-story.jpg"},
        },
        "recommendations": [{"heroImage": "/uploads/2024/05/recommended.jpg"}],
    }
    html = page(
        "<img src='data:image/svg+xml,%3Csvg%3E%3C/svg%3E' alt=''>",
        f"window.context = {json.dumps(state)};",
    )
    images = extract_page(html, BASE + "3", script_data=True).images
    assert [image.src for image in images] == [
        "https://news.example.com/uploads/2024/05/GettyImages-123456.jpg"
    ]


def test_the_article_html_a_front_end_keeps_gives_its_pictures_without_captions() -> None:
    body = (
        "<p>Text.</p><figure class='wp-caption'><img src='/uploads/a/portrait-1999.jpg' "
        "width='1200' height='800'><figcaption>Image: Ed Lens/Agence Example</figcaption>"
        "</figure><p>More.</p><figure class='wp-caption'><img src='/uploads/a/portrait-2004.jpg'"
        " width='1200' height='800'><figcaption>Image: Ed Lens</figcaption></figure>"
        "<img src='/uploads/a/share-icon.png' width='16' height='16'>"
    )
    placeholders = (
        "<figure class='wp-caption'><picture><img src='data:image/svg+xml,%3Csvg "
        "viewBox=%220 0 1200 800%22%3E%3C/svg%3E' width='1200' height='800'></picture></figure>"
    ) * 2
    html = page(placeholders, f"window.context = {json.dumps({'content': body})};")
    images = scripted(html)
    assert [image.src for image in images] == [
        "https://news.example.com/uploads/a/portrait-1999.jpg",  # a year, not a width:
        "https://news.example.com/uploads/a/portrait-2004.jpg",  # two pictures
    ]
    # Whether the front end prints the figcaptions is not known from its data.
    assert all(image.caption is None and image.credit is None for image in images)
    assert plain(html) == []


def test_a_slide_the_page_draws_is_read_as_drawn_and_listed_once() -> None:
    sizes = [
        {
            "caption": f"Slide {n}.",
            "credit": f"Courtesy Example Airline {n}",
            "images": {
                "original": {"url": f"/photos/5499a42e{n}_slide-{n}.jpg"},
                "small_4_3": {"url": f"/photos/5499a430{n}_slide-{n}.jpg"},
            },
        }
        for n in range(2)
    ]
    html = page(
        "<figure><img src='/photos/5499a4300_slide-0.jpg' width='600' height='400'></figure>",
        f"var gallery = {json.dumps({'items': sizes})};",
    )
    images = scripted(html)
    assert [image.src.rsplit("/", 1)[-1] for image in images] == [
        "5499a4300_slide-0.jpg",  # the slide drawn (a size its data lists)
        "5499a42e1_slide-1.jpg",
    ]
    # What a reader sees of a drawn slide is what the page shows: no credit.
    assert (images[0].caption, images[0].credit) == (None, None)
    assert (images[1].caption, images[1].credit) == ("Slide 1.", "Courtesy Example Airline 1")


def test_script_data_is_read_only_when_asked() -> None:
    html = page("", f"var slides = {json.dumps(SLIDES)};")
    assert plain(html) == []
    assert len(scripted(html)) == 3


def test_hostile_scripts_cost_a_bounded_effort_and_never_raise() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    many = 'x = {"a": 1, b: 2};' * (MAX_DECODE_ATTEMPTS * 5)
    broken = 'var s = [{"caption": "A", "url": "/a.jpg"}, {"caption": '
    data = read_script_data(
        [("", f"var d = {deep};"), ("", many), ("", broken), ("application/json", "{not json")]
    )
    assert data.pictures == () and data.markup == ()
    html = page("", f"var d = {deep}; {many} {broken}")
    assert scripted(html) == []


def test_urls_in_script_data_resolve_as_the_pages_own() -> None:
    slides = [
        {"caption": "One.", "src": "javascript:alert(1)//x.jpg"},
        {"caption": "Two.", "src": "file:///etc/passwd.jpg"},
        {"caption": "Three.", "src": "//cdn.example.net/three.jpg"},
        {"caption": "Four.", "src": "/four.jpg"},
    ]
    html = page("", f"var slides = {json.dumps(slides)};")
    assert [image.src for image in scripted(html)] == [
        "https://cdn.example.net/three.jpg",
        "https://news.example.com/four.jpg",
    ]


def test_years_are_not_widths_and_a_width_with_its_quality_is_a_size() -> None:
    assert image_identity("https://x.example/a/premiere-2005.jpg") != image_identity(
        "https://x.example/a/premiere-2008.jpg"
    )
    assert image_identity("https://x.example/a/olympics-2000.jpg") != image_identity(
        "https://x.example/a/olympics.jpg"
    )
    for width in ("1200", "800", "2400"):
        assert image_identity(f"https://x.example/a/hero-{width}.jpg") == image_identity(
            "https://x.example/a/hero.jpg"
        )
    assert image_identity("https://cdn.example/Ab12Cd34Ef56Gh78Ij90Kl-970-80.jpg") == (
        image_identity("https://cdn.example/Ab12Cd34Ef56Gh78Ij90Kl.jpg")
    )
    for name in ("chart-2019-05", "route-466-66", "IMG-4521-75"):  # not an asset's id
        assert image_identity(f"https://x.example/a/{name}.jpg") != image_identity(
            f"https://x.example/a/{name.split('-')[0]}.jpg"
        )


def test_what_stands_for_another_page_gives_no_pictures() -> None:
    """Shapes of front-end data whose pictures are other pages': related stories by slug
    or web address, cached articles, the next story, sponsors and the site's own
    pictures, products, authors, teasers by query, pages whose address only starts like
    this one's, and the HTML of other posts."""
    state = {
        "related": [
            {"title": f"Other {n}", "slug": f"other-{n}",
             "image": {"url": f"/img/other-{n}.jpg", "caption": "A", "credit": "Getty Images"}}
            for n in range(3)
        ],
        "guardian": [
            {"webUrl": f"https://news.example.com/world/{n}", "mainMedia": {
                "src": f"/img/world-{n}.jpg", "caption": "Photograph: AP"}}
            for n in range(3)
        ],
        "cache": {
            f"Article:{n}": {"__typename": "Article", "uri": f"nyt://article/{n}",
                             "featuredImage": f"/img/cached-{n}.jpg"}
            for n in range(3)
        },
        "nextArticle": {"url": "/culture/2024/05/next/", "heroImage": "/img/next.jpg"},
        "site": {"mainImage": "/static/default-share.png", "coverImage": "/static/logo-cover.png"},
        "products": [
            {"name": f"Lamp {n}", "image": f"/img/lamp-{n}.jpg", "credit": "Courtesy of a shop",
             "affiliateLink": f"https://shop.example.net/lamp-{n}"}
            for n in range(3)
        ],
        "authors": [
            {"name": f"Writer {n}", "photo": f"/img/writer-{n}.jpg",
             "photoCredit": "Staff photo", "bio": "Writes."}
            for n in range(3)
        ],
        "byQuery": [
            {"url": f"/culture/2024/05/portraits/?id={n}",
             "image": f"/img/query-{n}.jpg", "caption": "Q"}
            for n in range(3)
        ],
        "alike": [
            {"url": f"/culture/2024/05/portraits-{n}/", "image": f"/img/alike-{n}.jpg",
             "caption": "P"}
            for n in range(3)
        ],
        "posts": [
            {"link": f"/culture/2024/05/post-{n}/",
             "content": f"<p>Other.</p><img src='/img/post-{n}.jpg' width=800 height=600>"}
            for n in range(3)
        ],
    }  # fmt: skip
    html = page("<p>Text.</p>", f"window.__STATE__ = {json.dumps(state)};")
    assert scripted(html) == []


def test_the_story_object_that_links_to_this_page_gives_its_lead_picture() -> None:
    state = {
        "props": {
            "article": {
                "slug": "portraits",
                "nextUrl": "/culture/2024/05/next/",
                "leadImage": {"url": "/img/lead-portrait.jpg", "credit": "Ada Lens"},
            }
        }
    }
    html = page("<p>Text.</p>") + (
        f"<script id='__NEXT_DATA__' type='application/json'>{json.dumps(state)}</script>"
    )
    images = scripted(html)
    assert [(image.src, image.credit) for image in images] == [
        ("https://news.example.com/img/lead-portrait.jpg", "Ada Lens")
    ]


def test_long_or_malformed_markup_in_captions_costs_little() -> None:
    slides = [
        {"caption": "<a " * 100_000, "src": "/img/a.jpg"},
        {"caption": "<a href=" + "href=" * 50_000, "src": "/img/b.jpg"},
        {"caption": "<" * 50_000, "credit": "Ed Lens", "src": "/img/c.jpg"},
    ]
    data = read_script_data([("", f"var slides = {json.dumps(slides)};")], BASE)
    assert [picture.url for picture in data.pictures] == ["/img/a.jpg", "/img/b.jpg", "/img/c.jpg"]
    assert [picture.caption for picture in data.pictures] == [None, None, None]


def test_the_pictures_read_from_data_are_bounded() -> None:
    slides = [{"caption": f"Slide {n}.", "src": f"/img/s-{n}.jpg"} for n in range(5_000)]
    data = read_script_data([("", f"var slides = {json.dumps(slides)};")], BASE, max_pictures=40)
    assert len(data.pictures) == 40
    page_html = page("", f"var slides = {json.dumps(slides)};")
    assert len(extract_page(page_html, BASE, script_data=True, max_images=40).images) == 40
