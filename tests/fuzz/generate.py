"""Small article pages generated from a grammar of the markup publishers use for
pictures: figure / figcaption, picture / source / srcset, lazy-loading attributes,
WordPress captions, galleries, credit lines and licence links, og:image and JSON-LD,
and the site chrome around them (navigation, logos, teasers, footers)."""

from __future__ import annotations

import json
import random
from html import escape

BASE_URLS = (
    "https://news.example.com/2024/05/17/harbour-story.html",
    "https://www.example.co.uk/news/world-12345678",
    "http://blog.example.org/?p=42",
    "https://example.de/politik/artikel-100.html#comments",
    "https://xn--bcher-kva.example/neu/",
    "https://news.example.com:8443/a/b/c/",
    "file:///srv/saved/article.html",
    "https://page.invalid/article.html",
)

_NAMES = (
    "Jane Doe",
    "Sanne Verhoef",
    "José Ñúñez",
    "Łukasz Wiśniewski",
    "山田 太郎",
    "محمد علي",
    "Zoë O'Brien-Smith",
    "J. R. R. Photographer",
    "Staff",
)
_AGENCIES = ("AP", "Reuters", "AFP", "Getty Images", "dpa", "EPA-EFE", "PA Wire", "Shutterstock")
_CREDIT_FORMS = (
    "Photo: {name}/{agency}",
    "({agency} Photo/{name})",
    "© {name}",
    "Foto: {name} / {agency}",
    "Credit: {name} for The Example Times",
    "{name}/{agency} via Getty Images",
    "Image: {agency}",
    "Photograph by {name}",
    "Bild: picture alliance / {agency} | {name}",
    "{name} (CC BY-SA 4.0)",
    "Courtesy of {name}",
    "{agency}",
    "Zdjęcie: {name}",
    "写真：{name}",
)
_CAPTIONS = (
    "Boats in the harbour at dawn.",
    "The minister speaks to reporters on Tuesday.",
    "Der Hafen am Morgen.",
    "Protesters gather outside the court, 12 May 2024",
    "«Une vue de la ville»",
    "港の朝の風景",
    "A",
    "",
)
_LICENCES = (
    "https://creativecommons.org/licenses/by/4.0/",
    "https://creativecommons.org/licenses/by-sa/2.0/deed.en",
    "https://creativecommons.org/publicdomain/zero/1.0/",
    "http://creativecommons.org/licenses/by-nc-nd/3.0/",
)
_CHROME = (
    '<nav class="site-nav"><a href="/"><img src="/static/logo.svg" alt="Site logo"></a></nav>',
    '<header class="masthead"><img src="/static/brand-logo.png" alt="The Example"></header>',
    '<aside class="sidebar"><img src="https://ads.example.net/banner.gif" width="300" height="250"></aside>',
    '<div class="author-bio"><img class="avatar" src="https://secure.gravatar.com/avatar/abc?s=96"></div>',
    '<footer><img src="/static/footer-logo.png"><p>© Example Media</p></footer>',
    '<img src="https://pixel.example.com/t.gif" width="1" height="1">',
    '<div class="related"><article><a href="/other-story"><img src="/media/other.jpg">'
    "<h3>Another story</h3></a></article></div>",
)


class _Page:
    """A page being written: its head and its body as lists of markup."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.head: list[str] = []
        self.body: list[str] = []
        self.counter = 0

    def picture_url(self) -> str:
        self.counter += 1
        rng = self.rng
        stem = rng.choice(("harbour", "IMG_2041", "P03-240312-30", "minister", "a1b2c3d4e5f60718"))
        size = rng.choice(("", "-1024x683", "-scaled", "_w640", "-300x200"))
        ext = rng.choice((".jpg", ".jpeg", ".png", ".webp", ".JPG", ""))
        folder = rng.choice(
            (
                "/wp-content/uploads/2024/05/",
                "https://cdn.example.com/images/",
                "//static.example.net/media/",
                "../img/",
                "https://img.example.com/resize?url=https://origin.example.com/p/",
            )
        )
        return f"{folder}{stem}{self.counter}{size}{ext}"


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _credit(rng: random.Random) -> str:
    return rng.choice(_CREDIT_FORMS).format(name=rng.choice(_NAMES), agency=rng.choice(_AGENCIES))


def _credit_markup(rng: random.Random) -> str:
    credit = escape(_credit(rng))
    form = rng.randrange(7)
    if form == 0:
        return f'<span class="credit">{credit}</span>'
    if form == 1:
        return f"<cite>{credit}</cite>"
    if form == 2:
        return f'<small class="photo__author">{credit}</small>'
    if form == 3:
        licence = rng.choice(_LICENCES)
        return f'{credit} <a rel="license" href="{licence}">CC BY</a>'
    if form == 4:
        return f'<span class="sr-only">Image source, </span><span>{credit}</span>'
    if form == 5:
        return f"<em>{credit}</em>"
    return credit


def _img(page: _Page) -> str:
    rng = page.rng
    url = _attr(page.picture_url())
    attributes = []
    style = rng.randrange(6)
    if style == 0:
        attributes.append(f'src="{url}"')
    elif style == 1:
        attributes.append('src="data:image/gif;base64,R0lGODlhAQABAAAAACw="')
        attributes.append(f'{rng.choice(("data-src", "data-lazy-src", "data-original"))}="{url}"')
    elif style == 2:
        attributes.append(f'src="{url}" srcset="{url} 1x, {url}?w=2048 2x"')
    elif style == 3:
        sizes = ", ".join(f"{url}?w={w} {w}w" for w in (320, 640, 1024, 2048))
        attributes.append(f'src="{url}?w=20&amp;blur=200" data-srcset="{sizes}"')
    elif style == 4:
        attributes.append(
            f'src="{url}" data-orig-file="{url}" data-image-caption="&lt;p&gt;'
            f'{_attr(_credit(rng))}&lt;/p&gt;"'
        )
    else:
        attributes.append(f"src={url}")
    if rng.random() < 0.5:
        attributes.append(f'alt="{_attr(rng.choice(_CAPTIONS))}"')
    if rng.random() < 0.3:
        attributes.append(
            f'width="{rng.choice((1, 60, 300, 640, 1200))}" height="{rng.choice((1, 250, 480))}"'
        )
    if rng.random() < 0.3:
        attributes.append(
            f'class="{rng.choice(("wp-image-12", "lazyload", "logo", "hero-image", "avatar"))}"'
        )
    tag = "amp-img" if rng.random() < 0.05 else "img"
    closer = "></amp-img>" if tag == "amp-img" else ">"
    return f"<{tag} {' '.join(attributes)}{closer}"


def _picture(page: _Page) -> str:
    rng = page.rng
    url = _attr(page.picture_url())
    sources = "".join(
        f'<source type="image/{kind}" srcset="{url}.{kind} 1x, {url}@2x.{kind} 2x" media="(min-width: {w}px)">'
        for kind, w in (("avif", 1024), ("webp", 640))[: rng.randint(0, 2)]
    )
    return f"<picture>{sources}{_img(page)}</picture>"


def _figure(page: _Page) -> str:
    rng = page.rng
    media = _picture(page) if rng.random() < 0.3 else _img(page)
    if rng.random() < 0.2:
        media += f"<noscript>{_img(page)}</noscript>"
    caption = escape(rng.choice(_CAPTIONS))
    form = rng.randrange(6)
    if form == 0:
        return f"<figure>{media}<figcaption>{caption} {_credit_markup(rng)}</figcaption></figure>"
    if form == 1:
        return (
            f'<figure class="wp-block-image">{media}<figcaption><span class="caption">{caption}'
            f"</span><span>{escape(rng.choice(_NAMES))}</span></figcaption></figure>"
        )
    if form == 2:
        return (
            f'<div class="wp-caption">{media}<p class="wp-caption-text">{caption} '
            f"{_credit_markup(rng)}</p></div>"
        )
    if form == 3:
        return f"<p>{media}</p><p><em>{caption} {escape(_credit(rng))}</em></p>"
    if form == 4:
        return f'<div class="media">{media}<div class="image__caption">{caption}</div></div>'
    return f"<figure>{media}</figure>"


def _gallery(page: _Page) -> str:
    rng = page.rng
    items = "".join(_figure(page) for _ in range(rng.randint(2, 6)))
    credit = (
        f"<figcaption>Photos: {escape(rng.choice(_NAMES))}</figcaption>"
        if rng.random() < 0.5
        else ""
    )
    return f'<div class="gallery">{items}{credit}</div>'


def _background(page: _Page) -> str:
    url = _attr(page.picture_url())
    if page.rng.random() < 0.5:
        return f'<div class="hero" style="background-image: url(\'{url}\')"></div>'
    return (
        f'<div class="lazy" data-bg="{url}" aria-label="{_attr(page.rng.choice(_CAPTIONS))}"></div>'
    )


def _paragraph(page: _Page) -> str:
    rng = page.rng
    words = " ".join(
        rng.choice(
            ("the", "harbour", "minister", "said", "on", "Tuesday", "über", "niño", "ключ", "港")
        )
        for _ in range(rng.randint(3, 60))
    )
    return f"<p>{escape(words)}.</p>"


def _jsonld(page: _Page) -> str:
    rng = page.rng
    image: object = {
        "@type": "ImageObject",
        "contentUrl": page.picture_url(),
        "caption": rng.choice(_CAPTIONS),
        "creditText": _credit(rng),
        "creator": {"@type": "Person", "name": rng.choice(_NAMES)},
        "copyrightNotice": rng.choice(_AGENCIES),
        "license": rng.choice(_LICENCES),
        "acquireLicensePage": "https://example.com/licensing",
    }
    if rng.random() < 0.3:
        image = [image, page.picture_url()]
    doc: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": rng.choice(("NewsArticle", "BlogPosting", "Article", "WebPage")),
        "headline": "Harbour story",
        "datePublished": rng.choice(("2024-05-17T08:00:00Z", "2019-02-29", "yesterday")),
        "image": image,
        "publisher": {
            "@type": "Organization",
            "logo": {"@type": "ImageObject", "url": "/logo.png"},
        },
    }
    if rng.random() < 0.3:
        doc = {"@context": "https://schema.org", "@graph": [doc]}
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
    return f'<script type="application/ld+json">{text}</script>'


_BLOCKS = (_figure, _figure, _figure, _picture, _img, _gallery, _background, _paragraph, _paragraph)


def generate_document(rng: random.Random) -> bytes:
    """A small article page (a few hundred bytes to a few tens of KiB)."""
    page = _Page(rng)
    charset = rng.choice(("utf-8", "utf-8", "UTF-8", "iso-8859-1", "windows-1252", None))
    if charset:
        page.head.append(f'<meta charset="{charset}">')
    page.head.append(f"<title>{escape(rng.choice(_CAPTIONS))}</title>")
    if rng.random() < 0.5:
        page.head.append(f'<meta property="og:image" content="{_attr(page.picture_url())}">')
    if rng.random() < 0.2:
        page.head.append('<meta name="twitter:image" content="/static/default-share.png">')
    if rng.random() < 0.3:
        page.head.append('<link rel="canonical" href="https://news.example.com/canonical/">')
    if rng.random() < 0.1:
        page.head.append(
            f'<base href="{rng.choice(("/sub/", "https://cdn.example.com/", "../"))}">'
        )
    if rng.random() < 0.4:
        page.head.append('<meta property="article:published_time" content="2024-05-17T08:00:00Z">')
    if rng.random() < 0.6:
        page.head.append(_jsonld(page))
    for _ in range(rng.randint(0, 2)):
        page.body.append(rng.choice(_CHROME))
    blocks = [rng.choice(_BLOCKS)(page) for _ in range(rng.randint(1, 12))]
    wrapper = rng.choice(
        (
            ("<article>", "</article>"),
            ('<div class="entry-content">', "</div>"),
            ('<main><div itemprop="articleBody">', "</div></main>"),
            ("", ""),
        )
    )
    page.body.append(wrapper[0] + "<h1>Harbour story</h1>" + "".join(blocks) + wrapper[1])
    for _ in range(rng.randint(0, 2)):
        page.body.append(rng.choice(_CHROME))
    html = (
        "<!DOCTYPE html><html><head>"
        + "".join(page.head)
        + "</head><body>"
        + "".join(page.body)
        + "</body></html>"
    )
    encoding = charset if charset and charset.lower() not in ("utf-8",) else "utf-8"
    return html.encode(encoding, errors="xmlcharrefreplace")


_TINY_TOKENS = (
    b"<",
    b">",
    b"</",
    b"<!",
    b"<![",
    b"<!--",
    b"<?",
    b"&",
    b"&#",
    b"&#x",
    b";",
    b"[",
    b"]",
    b"-",
    b'"',
    b"'",
    b"=",
    b" ",
    b"\x00",
    b"\xff",
    b"\xfe",
    b"\xef\xbb\xbf",
    b"img",
    b"a",
    b"x",
    b"CDATA",
    b"DOCTYPE",
    b"html",
    b"src",
    b"\n",
    b'<meta charset="\x01">',
)


def generate_tiny(rng: random.Random) -> bytes:
    """A tiny page of one to a dozen markup tokens ("<![", "<!DOCTYPE&#x", "\\xff<?")."""
    return b"".join(rng.choice(_TINY_TOKENS) for _ in range(rng.randint(0, 12)))
