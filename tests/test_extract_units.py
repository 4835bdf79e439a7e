"""Focused cases of extraction: URL resolution, identity of sizes, chrome, captions."""

from __future__ import annotations

from bs4 import BeautifulSoup, Comment, Tag

from attribution.extract import extract_page, image_identity
from attribution.extract.index import ANY_IMAGE, PageIndex, TooDeep
from attribution.extract.limits import MAX_DEPTH
from attribution.extract.tree import first_with, flatten_deep, index_page, take_out


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


def _indexed(markup: str) -> tuple[BeautifulSoup, PageIndex]:
    soup = BeautifulSoup(markup, "lxml")
    return soup, PageIndex(soup)


def test_page_index_counts_images_text_and_headings_of_each_element() -> None:
    soup, index = _indexed(
        "<div id=outer><h1>Title</h1><p id=p>Some <b>bold</b> text</p>"
        "<div id=inner><img src=a.jpg><noscript><img src=a.jpg></noscript><img src=b.jpg></div>"
        "</div><div id=other>x</div>"
    )
    outer, inner, p = soup.find(id="outer"), soup.find(id="inner"), soup.find(id="p")
    assert isinstance(outer, Tag) and isinstance(inner, Tag) and isinstance(p, Tag)
    assert index.images(outer) == index.images(inner) == 2  # the noscript copy not counted
    assert index.count(ANY_IMAGE, inner) == 3
    assert index.count("h1", outer) == 1 and index.count("h1", inner) == 0
    for tag in (outer, inner, p):
        assert index.text_length(tag) == len(tag.get_text())
        assert index.words_length(tag) == len(tag.get_text(" ", strip=True))


def test_page_index_answers_searches_as_bs4_does() -> None:
    soup, index = _indexed(
        "<section id=s><h2>a</h2><div><h3>b</h3><span><h2>c</h2></span></div><h4>d</h4></section>"
        "<h2>outside</h2>"
    )
    section = soup.find(id="s")
    assert isinstance(section, Tag)
    names = ("h2", "h3", "h4")
    assert index.below(section, names) == section.find_all(list(names))
    assert index.below(section, names, limit=2) == section.find_all(list(names), limit=2)
    assert index.first_below(section, ("h4",)) == section.find("h4")
    assert index.all_below(section) == section.find_all(True)
    assert index.named("h2", "h4") == soup.find_all(["h2", "h4"])
    assert index.elements == soup.find_all(True)


def test_left_out_nodes_are_indexed_as_if_gone_and_named_before_they_go() -> None:
    markup = (
        "<div id=d>one<!-- a comment --><script>var s = '<img src=x.jpg>';</script>"
        "<svg><title>drawing</title><image href=y.png /></svg><p>two</p><img src=z.jpg></div>"
    )
    soup = BeautifulSoup(markup, "lxml")
    index = PageIndex(
        soup, leave_out=lambda node: isinstance(node, Comment) or node.name in ("script", "svg")
    )
    assert [getattr(node, "name", None) for node in index.left_out] == [None, "script", "svg"]
    assert "title" in index.every_element and "script" in index.every_element
    take_out(index.left_out)
    pruned = BeautifulSoup(str(soup), "lxml")
    div, again = soup.find(id="d"), pruned.find(id="d")
    assert isinstance(div, Tag) and isinstance(again, Tag)
    assert str(div) == '<div id="d">one<p>two</p><img src="z.jpg"/></div>'
    assert index.text_length(div) == len(again.get_text()) == len("onetwo")
    assert index.elements == soup.find_all(True)
    assert [str(s) for s in div.descendants] == [str(s) for s in again.descendants]


def test_image_beside_the_headline_in_a_layout_wrapper_is_content() -> None:
    # The wrapper holds the article's h1: it is page layout, and its "sidebar"-like
    # class words are not read, however many images ask.
    figures = "".join(
        f'<figure><img src="https://example.org/photo-{n}.jpg" width="800" height="600">'
        f"<figcaption>Picture {n}. Photo: Ann Lee</figcaption></figure>"
        for n in range(3)
    )
    html = (
        '<html><body><div class="layout-with-rail"><div class="wrap">'
        f"<h1>Headline</h1><div class=body>{figures}</div></div>"
        '<div class="rail"><img src="https://example.org/teaser.jpg" width="800" height="600">'
        "</div></div></body></html>"
    )
    result = extract_page(html, "https://example.org/story")
    assert [i.src for i in result.images] == [
        f"https://example.org/photo-{n}.jpg" for n in range(3)
    ]
    assert all(i.credit == "Ann Lee" for i in result.images)


def _threaded(soup: BeautifulSoup) -> list[object]:
    """The nodes after the first in document order by the parse tree's next_element
    links, checking that each links back to the one before."""
    order: list[object] = []
    previous = soup.contents[0]
    node = previous.next_element
    while node is not None:
        assert node.previous_element is previous
        order.append(node)
        previous, node = node, node.next_element
    return order


def _by_contents(tag: Tag) -> list[object]:
    """The nodes below ``tag`` in document order by the children lists."""
    order: list[object] = []
    for child in tag.contents:
        order.append(child)
        if isinstance(child, Tag):
            order.extend(_by_contents(child))
    return order


def test_taking_out_nodes_side_by_side_keeps_document_order_links() -> None:
    soup = BeautifulSoup(
        "<div><!--a--><script>x</script><p>one<style>s</style></p><svg><g><g/></g></svg>"
        "</div><p>two</p><!--last-->",
        "lxml",
    )
    index = PageIndex(
        soup,
        leave_out=lambda node: isinstance(node, Comment) or node.name in ("script", "style", "svg"),
    )
    take_out(index.left_out)
    assert _threaded(soup) == _by_contents(soup)[1:]
    assert str(soup.body) == "<body><div><p>one</p></div><p>two</p></body>"


def test_index_page_flattens_a_page_nested_too_deep_and_leaves_others_alone() -> None:
    deep = "<div>" * (MAX_DEPTH + 20) + "<img src=a.jpg>text" + "</div>" * (MAX_DEPTH + 20)
    soup, flattened = BeautifulSoup(deep, "lxml"), BeautifulSoup(deep, "lxml")
    flatten_deep(flattened)
    assert str(index_page(soup).elements) == str(PageIndex(flattened).elements)
    assert str(soup) == str(flattened)
    shallow = "<div>" * (MAX_DEPTH - 5) + "<p>x</p>" + "</div>" * (MAX_DEPTH - 5)
    soup = BeautifulSoup(shallow, "lxml")
    assert len(index_page(soup).named("div")) == MAX_DEPTH - 5
    assert str(soup) == str(BeautifulSoup(shallow, "lxml"))


def test_page_index_refuses_a_page_deeper_than_it_was_told() -> None:
    soup = BeautifulSoup("<div><div><div><p>x</p></div></div></div>", "lxml")
    # "x" is seven levels down (html, body, div, div, div, p): flattening at six keeps it
    PageIndex(soup, max_depth=6)
    try:
        PageIndex(soup, max_depth=5)
    except TooDeep:
        return
    raise AssertionError("a page deeper than max_depth was indexed")


def test_memo_works_an_answer_out_once_per_element_and_question() -> None:
    soup, index = _indexed("<div id=a></div><div id=b></div>")
    a, b = soup.find(id="a"), soup.find(id="b")
    assert isinstance(a, Tag) and isinstance(b, Tag)
    calls: list[str] = []

    def answer(tag: Tag, suffix: str) -> str:
        calls.append(str(tag["id"]))
        return str(tag["id"]) + suffix

    assert index.memo("q", a, answer, a, "!") == index.memo("q", a, answer, a, "?") == "a!"
    assert index.memo("q", b, answer, b, suffix="?") == "b?"
    assert index.memo("other", a, answer, a, "+") == "a+"
    assert calls == ["a", "b", "a"]


def test_images_on_containers_and_custom_elements_are_found_among_plain_elements() -> None:
    html = page(
        "<div class=plain><p>text</p></div>"
        "<div data-bg='/bg.jpg'><h2>A</h2></div>"
        "<progressive-image src='/custom.jpg'></progressive-image>"
        "<span style='background-image: url(/styled.jpg)'></span>"
        "<div src='/not-an-image'></div>"
    )
    images = extract_page(html, "https://c.example/story").images
    assert [i.src for i in images] == [
        "https://c.example/bg.jpg",
        "https://c.example/custom.jpg",
        "https://c.example/styled.jpg",
    ]


def test_what_an_ancestor_says_holds_for_every_image_inside_it_at_its_depth() -> None:
    html = (
        "<html><body><main><p>" + "words " * 50 + "</p>"
        "<div class=card><a href='/other-story'><img src='/a/near.jpg'></a>"
        "<h3><a href='/other-story'>Other story</a></h3>"
        "<div><div><div><img src='/a/deep.jpg'></div></div></div></div>"
        "<aside><img src='/a/side1.jpg'><img src='/a/side2.jpg'></aside>"
        "<figure><img src='/a/tiny.jpg' width=20 height=20><figcaption>Small</figcaption></figure>"
        "<div class=gallery><img src='/a/pic.jpg' width=100 height=100></div>"
        "<img src='/a/content.jpg'></main></body></html>"
    )
    images = extract_page(html, "https://s.example/story").images
    # The card marks the picture beside its headline, not one nested four levels down;
    # the aside marks both its images; a small picture counts in a gallery only.
    assert [i.src.rsplit("/", 1)[1] for i in images] == ["deep.jpg", "pic.jpg", "content.jpg"]


def test_elements_with_the_same_classes_are_each_read_as_caption_and_credit() -> None:
    html = page(
        "".join(
            f"<figure><img src='/p{n}.jpg'><figcaption class='wp-caption-text'>Scene {n}"
            f"<span class='media-credit'>Photo: Ann Lee {n}</span></figcaption></figure>"
            for n in (1, 2)
        )
    )
    images = extract_page(html, "https://f.example/story").images
    assert [(i.caption, i.credit) for i in images] == [
        ("Scene 1", "Ann Lee 1"),
        ("Scene 2", "Ann Lee 2"),
    ]


def test_json_ld_read_once_gives_the_date_and_the_images() -> None:
    head = (
        "<script type='application/ld+json'>{broken</script>"
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"datePublished": "2024-03-05T10:00:00Z", "image": {"@type": "ImageObject", '
        '"url": "/lead.jpg", "creditText": "Ann Lee"}};</script>'
    )
    extracted = extract_page(page("<p>Story</p>", head), "https://j.example/story")
    assert str(extracted.published) == "2024-03-05"
    assert [i.src for i in extracted.images] == ["https://j.example/lead.jpg"]


def test_attribute_values_resolve_against_each_page_and_placeholders_stay_out() -> None:
    body = "<img src='/lazy-placeholder.gif' data-src='pics/a.jpg'><img src='pics/a.jpg'>"
    first = extract_page(page(body), "https://one.example/news/story")
    second = extract_page(page(body), "https://two.example/blog/post")
    assert [i.src for i in first.images] == ["https://one.example/news/pics/a.jpg"]
    assert [i.src for i in second.images] == ["https://two.example/blog/pics/a.jpg"]


def test_screen_reader_text_is_left_out_of_captions() -> None:
    html = page(
        "<figure><img src='/p.jpg'><figcaption>A harbour at dawn"
        "<span class='x sr-only'>, opens a larger view</span><span class=plain>.</span>"
        "</figcaption></figure>"
    )
    images = extract_page(html, "https://h.example/story").images
    assert [i.caption for i in images] == ["A harbour at dawn."]


def test_first_with_matches_attributes_as_css_selectors_do() -> None:
    soup = BeautifulSoup(
        "<link rel='alternate' href=a><link rel='Shortcut CANONICAL' href=b>"
        "<link rel='canonical' href=c><meta property='og:url\n' content=d>"
        "<meta property='OG:URL' content=e><meta property='og:url' content=f>"
        "<div role='main navigation'></div><div role=main id=g></div>",
        "lxml",
    )
    cases = [
        ("link", "rel", "canonical", True, 'link[rel~="canonical"]'),
        ("link", "rel", "shortcut canonical", True, 'link[rel~="shortcut canonical"]'),
        ("link", "rel", "", True, 'link[rel~=""]'),
        ("meta", "property", "og:url", False, 'meta[property="og:url"]'),
        ("div", "role", "main", False, '[role="main"]'),
        ("link", "rel", "Shortcut canonical", False, 'link[rel="Shortcut canonical"]'),
    ]
    for name, attribute, value, word, selector in cases:
        assert first_with(soup.find_all(name), attribute, value, word=word) is soup.select_one(
            selector
        ), selector


def test_credit_links_are_read_from_the_links_inside_the_credit() -> None:
    html = page(
        "<figure><img src='/p.jpg'><figcaption>A bridge "
        "<span class=credit>Photo: <a href='/people/ann'>Ann Lee</a>, "
        "<a href='https://creativecommons.org/licenses/by/4.0/'>CC BY 4.0</a>"
        "<a>no address</a><a href='#top'>top</a></span></figcaption></figure>"
    )
    (image,) = extract_page(html, "https://l.example/story").images
    assert image.credit_links == (
        "https://l.example/people/ann",
        "https://creativecommons.org/licenses/by/4.0/",
    )
