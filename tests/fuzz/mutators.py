"""Mutations of a page: each a small named pure function of (bytes, random.Random) -> bytes.

Every mutation is deterministic in the random generator it is given, keeps the rest of
the page as it was, and bounds its own growth (a few MiB at most), so that composing
two or three of them still gives an input the checker should handle within its budget.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Sequence

Mutator = Callable[[bytes, random.Random], bytes]

MUTATORS: dict[str, Mutator] = {}

# No single mutation adds more than this many bytes.
MAX_GROWTH = 4 * 1024 * 1024


def mutator(function: Mutator) -> Mutator:
    """Register a mutation under its function name."""
    MUTATORS[function.__name__] = function
    return function


# ---- where to mutate ---------------------------------------------------------------------

_IMAGE_MARKUP = re.compile(rb"<(?:img|figure|picture|figcaption|amp-img|source)\b", re.IGNORECASE)
_START_TAG = re.compile(rb"<([a-zA-Z][\w:-]{0,40})(?:\s[^<>]{0,4000})?/?>")
_ANY_TAG = re.compile(rb"</?[a-zA-Z][\w:-]{0,40}(?:\s[^<>]{0,4000})?/?>")
_TEXT_START = re.compile(rb">(?=[^<\s])")
_IMG_TAG = re.compile(rb"<img\b[^<>]{0,4000}>", re.IGNORECASE)
_SRC_VALUE = re.compile(
    rb"""(?:src|srcset|data-src|href|content)\s*=\s*(["'])(.{0,4000}?)\1""", re.I
)


def _position(data: bytes, rng: random.Random) -> int:
    """A place to mutate: mostly at image markup, else anywhere."""
    if data and rng.random() < 0.8:
        marks = [m.start() for m in _IMAGE_MARKUP.finditer(data)]
        if marks:
            return rng.choice(marks)
    return rng.randint(0, len(data))


def _text_position(data: bytes, rng: random.Random) -> int:
    """The start of a text node (after a '>'), else anywhere."""
    starts = [m.end() for m in _TEXT_START.finditer(data)]
    return rng.choice(starts) if starts else rng.randint(0, len(data))


def _sprinkle(
    data: bytes,
    rng: random.Random,
    pieces: Sequence[bytes],
    times: Sequence[int],
    repeats: Sequence[int],
) -> bytes:
    """``data`` with one of ``pieces`` (repeated one of ``repeats`` times) put into a
    text node or an image URL, one of ``times`` times, within MAX_GROWTH."""
    out = data
    for _ in range(rng.choice(times)):
        piece = _pick(rng, pieces) * rng.choice(repeats)
        if len(out) + len(piece) - len(data) > MAX_GROWTH:
            break
        if rng.random() < 0.5:
            at = _text_position(out, rng)
        else:
            match = _SRC_VALUE.search(out, rng.randint(0, len(out)))
            at = match.start(2) + rng.randint(0, len(match.group(2))) if match else len(out)
        out = _insert(out, at, piece)
    return out


def _element_span(data: bytes, rng: random.Random) -> tuple[int, int]:
    """(start, end) of an element: a start tag up to its first matching end tag (within
    64 KiB), or the start tag alone; mostly an image's or a figure's."""
    tags = list(_START_TAG.finditer(data))
    if not tags:
        at = rng.randint(0, len(data))
        return at, at
    preferred = [t for t in tags if t.group(1).lower() in (b"img", b"figure", b"picture", b"p")]
    tag = rng.choice(preferred if preferred and rng.random() < 0.7 else tags)
    closing = b"</" + tag.group(1)
    end = data.lower().find(closing.lower(), tag.end(), tag.end() + 65536)
    if end < 0:
        return tag.start(), tag.end()
    close_end = data.find(b">", end)
    return tag.start(), (close_end + 1 if close_end >= 0 else end + len(closing))


def _insert(data: bytes, at: int, piece: bytes) -> bytes:
    return data[:at] + piece + data[at:]


def _depth(rng: random.Random) -> int:
    """How deep to nest: mostly tens or hundreds, sometimes thousands."""
    roll = rng.random()
    if roll < 0.4:
        return rng.randint(10, 100)
    if roll < 0.75:
        return rng.randint(100, 500)
    if roll < 0.95:
        return rng.randint(500, 2000)
    return rng.randint(2000, 20000)


def _many(rng: random.Random) -> int:
    """How many repetitions for a 'thousands of' mutation: at most 8,000, which a
    checker that spends a millisecond or two per image handles within its budget."""
    roll = rng.random()
    if roll < 0.6:
        return rng.randint(500, 2000)
    if roll < 0.95:
        return rng.randint(2000, 5000)
    return rng.randint(5000, 8000)


def _huge(rng: random.Random) -> int:
    """A huge length: 10 KiB to 2 MiB, log-uniformly."""
    return int(10_000 * 200 ** rng.random())


def _pick(rng: random.Random, choices: Sequence[bytes]) -> bytes:
    return choices[rng.randrange(len(choices))]


# ---- cutting and flipping ----------------------------------------------------------------


@mutator
def truncate(data: bytes, rng: random.Random) -> bytes:
    """Cut the page short (sometimes to a few bytes, sometimes inside a tag), or keep
    only its tail."""
    if not data:
        return data
    roll = rng.random()
    if roll < 0.15:
        length = rng.randint(0, min(len(data), 64))
    elif roll < 0.4:
        at = _position(data, rng)
        length = min(len(data), at + rng.randint(1, 12))
    else:
        length = rng.randint(0, len(data))
    return data[-length:] if length and rng.random() < 0.2 else data[:length]


_SPECIAL_BYTES = b"\x00\xff\x3c\x3e\x22\x27\x26\x80\xc0\xe2\x3d\x2f\x0a\x1b"


@mutator
def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    """Flip bits, or set bytes to random or markup-special values."""
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 8, 32, 128))):
        at = _position(data, rng) if rng.random() < 0.5 else rng.randrange(len(out))
        at = min(at + rng.randint(0, 40), len(out) - 1)
        roll = rng.random()
        if roll < 0.4:
            out[at] ^= 1 << rng.randrange(8)
        elif roll < 0.7:
            out[at] = rng.randrange(256)
        else:
            out[at] = _SPECIAL_BYTES[rng.randrange(len(_SPECIAL_BYTES))]
    return bytes(out)


@mutator
def fragment(data: bytes, rng: random.Random) -> bytes:
    """A tiny page: a few bytes of the page, often starting at a tag."""
    if not data:
        return data
    at = _position(data, rng) if rng.random() < 0.7 else rng.randrange(len(data))
    return data[at : at + rng.randint(1, 48)]


@mutator
def splice(data: bytes, rng: random.Random) -> bytes:
    """Copy a chunk of the page to another place."""
    if not data:
        return data
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, 4096)]
    return _insert(data, rng.randint(0, len(data)), chunk)


# ---- tags --------------------------------------------------------------------------------


@mutator
def duplicate_tag(data: bytes, rng: random.Random) -> bytes:
    """Repeat an element (mostly an image or a figure) a few to a thousand times."""
    start, end = _element_span(data, rng)
    element = data[start:end][:65536]
    if not element:
        return data
    copies = rng.choice((1, 2, 5, 20, 100, 1000))
    copies = max(1, min(copies, MAX_GROWTH // len(element)))
    return data[:end] + element * copies + data[end:]


@mutator
def delete_tags(data: bytes, rng: random.Random) -> bytes:
    """Delete some tags, or every start or end tag of one name (unclosed figures,
    captions without their figure)."""
    tags = list(_ANY_TAG.finditer(data))
    if not tags:
        return data
    if rng.random() < 0.4:
        name = rng.choice(tags).group(0)[:12].split()[0].rstrip(b">/").lower()
        doomed = [t for t in tags if t.group(0)[: len(name)].lower() == name]
    else:
        count = rng.choice((1, 3, 10, 100, len(tags)))
        doomed = rng.sample(tags, min(count, len(tags)))
    doomed.sort(key=lambda t: t.start())
    out: list[bytes] = []
    last = 0
    for tag in doomed:
        out.append(data[last : tag.start()])
        last = tag.end()
    out.append(data[last:])
    return b"".join(out)


_OPENERS = (
    b"<div>",
    b"<span>",
    b"<section>",
    b"<article>",
    b"<figure>",
    b'<a href="/x">',
    b"<p>",
    b"<ul><li>",
    b"<blockquote>",
    b"<noscript>",
    b"<em>",
    b'<div class="caption">',
    b'<span class="credit">',
    b"<main>",
    b"<header>",
    b"<picture>",
)


def _wrap(data: bytes, rng: random.Random, opener: bytes, closer: bytes, depth: int) -> bytes:
    """Wrap an element in ``depth`` copies of opener/closer (closers sometimes left out)."""
    start, end = _element_span(data, rng)
    depth = max(1, min(depth, MAX_GROWTH // max(1, len(opener) + len(closer))))
    closing = closer * depth if rng.random() < 0.7 else b""
    return data[:start] + opener * depth + data[start:end] + closing + data[end:]


@mutator
def nest_spans(data: bytes, rng: random.Random) -> bytes:
    """An image wrapped in hundreds or thousands of spans."""
    return _wrap(data, rng, b"<span>", b"</span>", _depth(rng))


@mutator
def nest_divs(data: bytes, rng: random.Random) -> bytes:
    """An image wrapped in hundreds or thousands of divs."""
    opener = rng.choice((b"<div>", b'<div class="media">', b'<div class="image-caption">'))
    return _wrap(data, rng, opener, b"</div>", _depth(rng))


@mutator
def nest_tables(data: bytes, rng: random.Random) -> bytes:
    """An image inside tables inside tables."""
    return _wrap(data, rng, b"<table><tr><td>", b"</td></tr></table>", _depth(rng))


@mutator
def nest_mixed(data: bytes, rng: random.Random) -> bytes:
    """An image wrapped in a deep mix of block and inline elements."""
    depth = _depth(rng)
    openers = [rng.choice(_OPENERS) for _ in range(min(depth, 200))]
    reps = max(1, depth // len(openers))
    opener = b"".join(openers)
    closer = b"".join(b"</" + o[1:].split(b">")[0].split()[0] + b">" for o in reversed(openers))
    return _wrap(data, rng, opener, closer, reps)


@mutator
def nest_in_figcaption(data: bytes, rng: random.Random) -> bytes:
    """A figure whose caption is a credit inside deeply nested inline elements."""
    inline = rng.choice((b"i", b"em", b"b", b"small", b"span", b"cite", b"strong"))
    depth = _depth(rng)
    depth = min(depth, MAX_GROWTH // (2 * len(inline) + 5))
    text = rng.choice((b"Photo: Jane Doe/AP", b"Foto: dpa", b"\xc2\xa9 Reuters", b"Caption."))
    figure = (
        b'<figure><img src="/media/nested-picture.jpg" alt="nested"><figcaption>'
        + (b"<" + inline + b">") * depth
        + text
        + (b"</" + inline + b">") * (depth if rng.random() < 0.7 else 0)
        + b"</figcaption></figure>"
    )
    return _insert(data, _position(data, rng), figure)


# ---- huge attributes and many images ----------------------------------------------------

_ATTRIBUTE_NAMES = (
    b"alt",
    b"title",
    b"class",
    b"id",
    b"style",
    b"data-src",
    b"data-caption",
    b"data-image-caption",
    b"aria-label",
    b"width",
    b"height",
    b"data-bgset",
    b"data-srcset",
    b"src",
    b"srcset",
)


def _huge_value(rng: random.Random, name: bytes) -> bytes:
    length = _huge(rng)
    kind = rng.randrange(8)
    if kind == 0:
        return bytes([rng.choice(b"abcxyz -_/.,;:")]) * length
    if kind == 1:
        return b"credit caption figure gallery " * (length // 30)
    if kind == 2:
        return b"background-image:" + b"url(a" * (length // 5)
    if kind == 3:
        return b"9" * rng.choice((4301, 5000, 10000, length))
    if kind == 4:
        return b"Photo: " + b"Jane Doe / " * (length // 11)
    if kind == 5:
        return b"&lt;b&gt;" * (length // 9)
    if kind == 6:
        return b"https://img.example.com/" + b"a/" * (length // 2) + b"x.jpg"
    return bytes(rng.randrange(32, 127) for _ in range(min(length, 200_000)))


@mutator
def huge_attribute(data: bytes, rng: random.Random) -> bytes:
    """An image (or any element) with an attribute of tens of KiB to MiB."""
    images = list(_IMG_TAG.finditer(data))
    tags = images if images and rng.random() < 0.8 else list(_START_TAG.finditer(data))
    name = _pick(rng, _ATTRIBUTE_NAMES)
    attribute = b" " + name + b'="' + _huge_value(rng, name) + b'"'
    if not tags:
        return _insert(data, rng.randint(0, len(data)), b"<img" + attribute + b">")
    tag = rng.choice(tags)
    at = tag.start() + len(tag.group(0).split()[0].rstrip(b">"))
    return _insert(data, at, attribute)


def _srcset(rng: random.Random) -> bytes:
    count = _many(rng) * rng.choice((1, 1, 3))
    stem = rng.choice((b"/media/picture", b"https://cdn.example.com/p/IMG_0001", b"//x/a"))
    separator = rng.choice((b", ", b",", b" , ", b",\n"))
    parts = []
    for i in range(count):
        descriptor = rng.choice((b"%dw" % (i + 1), b"%d.5x" % i, b"", b"1e309x", b"NaNw", b"-5w"))
        parts.append(b"%s-%dx%d.jpg %s" % (stem, i, i, descriptor))
    value = separator.join(parts)
    if rng.random() < 0.2:
        value += b", data:image/png;base64,iVBOR,w0KGgo= 1x" * 50
    if rng.random() < 0.1:
        value = b"9" * 5000 + b"w " + value
    return value[:MAX_GROWTH]


@mutator
def huge_srcset(data: bytes, rng: random.Random) -> bytes:
    """An image, or a picture's source, with thousands of srcset candidates."""
    value = _srcset(rng)
    if rng.random() < 0.5:
        piece = b'<picture><source srcset="' + value + b'"><img src="/a.jpg"></picture>'
    else:
        name = rng.choice((b"srcset", b"data-srcset", b"data-lazy-srcset", b"data-bgset"))
        piece = b'<img src="/media/lead.jpg" ' + name + b'="' + value + b'">'
    return _insert(data, _position(data, rng), piece)


_IMAGE_TEMPLATES = (
    b'<img src="/media/p%d.jpg" width="800">',
    b'<img src="/media/same.jpg">',
    b'<figure><img src="https://cdn.example.com/img/%d-1024x683.jpg"><figcaption>Picture %d.'
    b" Photo: Jane Doe/AP</figcaption></figure>",
    b'<picture><source srcset="/p/%d.webp 1x, /p/%d@2x.webp 2x"><img src="/p/%d.jpg"></picture>',
    b'<div class="lazy" data-bg="/bg/%d.jpg"></div>',
    b'<a href="/story/%d"><img src="/thumb/%d.jpg"><h3>Story %d</h3></a>',
    b'<div class="wp-caption"><img src="/wp-content/uploads/P03-%d.jpg"><p class="wp-caption-text">'
    b"Credit: Agency %d</p></div>",
    b'<img data-src="/lazy/%d.jpg" src="data:image/gif;base64,R0lGOD">',
)


@mutator
def many_images(data: bytes, rng: random.Random) -> bytes:
    """Thousands of images in one container."""
    template = _pick(rng, _IMAGE_TEMPLATES)
    holes = template.count(b"%d")
    count = min(_many(rng), MAX_GROWTH // (len(template) + 16))
    body = b"".join(template % ((i,) * holes) for i in range(count))
    container = rng.choice(
        (b'<div class="gallery">', b"<article>", b"<div>", b'<div class="entry-content">', b"")
    )
    closer = b"</" + container[1:].split(b">")[0].split()[0] + b">" if container else b""
    return _insert(data, _position(data, rng), container + body + closer)


# ---- JSON-LD -----------------------------------------------------------------------------


def _script(payload: bytes) -> bytes:
    return b'<script type="application/ld+json">' + payload + b"</script>"


def _image_object(rng: random.Random, i: int) -> dict[str, object]:
    return {
        "@type": "ImageObject",
        "contentUrl": f"https://cdn.example.com/ld/{i}.jpg",
        "caption": f"Picture {i}. Photo: Jane Doe/AP",
        "creditText": "Reuters",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "creator": [{"@type": "Person", "name": f"Person {rng.randrange(1000)}"}],
    }


@mutator
def huge_jsonld(data: bytes, rng: random.Random) -> bytes:
    """JSON-LD with an enormous string, thousands of ImageObjects, or hundreds of
    scripts."""
    kind = rng.randrange(4)
    if kind == 0:
        big = "x" * rng.choice((_huge(rng), 1_999_000, 2_000_100))
        field = rng.choice(("caption", "creditText", "contentUrl", "name", "description"))
        doc: object = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "image": {"@type": "ImageObject", "contentUrl": "https://x.example/a.jpg", field: big},
        }
        piece = _script(json.dumps(doc).encode())
    elif kind == 1:
        images = [_image_object(rng, i) for i in range(_many(rng))]
        doc = {"@type": "NewsArticle", "image": images, "associatedMedia": images[::-1]}
        piece = _script(json.dumps(doc).encode())
    elif kind == 2:
        one = _script(json.dumps({"@type": "NewsArticle", "image": _image_object(rng, 1)}).encode())
        piece = one * min(_many(rng), MAX_GROWTH // len(one))
    else:
        graph = [
            {"@type": "NewsArticle", "datePublished": "2024-02-30", "image": {"@id": f"#i{i}"}}
            for i in range(_many(rng))
        ]
        piece = _script(json.dumps({"@context": "https://schema.org", "@graph": graph}).encode())
    return _insert(data, _position(data, rng), piece[:MAX_GROWTH])


_MALFORMED_JSONLD = (
    b'{"@type": "ImageObject", "contentUrl": "https://x.example/\\ud800.jpg", "caption": "\\udfff"}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "caption": "A\\u0000B", "creditText": "\\ud83d"}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "caption": "nul \x00 inside"}',
    b'{"@type": ["ImageObject", {"a": 1}], "contentUrl": "/a.jpg"}',
    b'{"@type": ["ImageObject", ["x"]], "contentUrl": "/a.jpg"}',
    b'{"@type": {"x": "ImageObject"}, "contentUrl": "/a.jpg"}',
    b'{"@type": "NewsArticle", "image": {"@type": "ImageObject", "contentUrl": {"@id": "/a.jpg"}}}',
    b'{"@type": "NewsArticle", "image": [[[["/a.jpg"]]]], "datePublished": 20240101}',
    b'{"@type": "NewsArticle", "datePublished": ["2024-01-01"], "image": null}',
    b'{"@type": "NewsArticle", "datePublished": "9999-99-99", "image": true}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "creator": {"name": {"name": "x"}}}',
    b'{"@type": "ImageObject", "contentUrl": ["", null, 5], "url": 1e999}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "license": NaN, "caption": Infinity}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "width": -0, "height": 1e-999}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "contentUrl": "/b.jpg"}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "caption": "</script><img src=/b.jpg>"}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg", // comment\n "caption": "x"}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg",}',
    b"{'@type': 'ImageObject', 'contentUrl': '/a.jpg'}",
    b'<!-- {"@type": "ImageObject", "contentUrl": "/a.jpg"} -->',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg"};;;',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg"',
    b'[{"@type": "ImageObject", "contentUrl": "/a.jpg"}, ',
    b"\xef\xbb\xbf" + b'{"@type": "ImageObject", "contentUrl": "/a.jpg"}',
    b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "caption": "\xff\xfe bad bytes"}',
    b"",
    b"null",
    b"[]",
    b'"just a string"',
    b"window.__DATA__ = {};",
)


@mutator
def malformed_jsonld(data: bytes, rng: random.Random) -> bytes:
    """JSON-LD that is broken, strangely typed or deeply nested (arrays, objects, and
    @graph / image chains), with NUL, lone surrogate escapes and huge numbers."""
    kind = rng.randrange(6)
    if kind == 0:
        payload = _pick(rng, _MALFORMED_JSONLD)
    elif kind == 1:
        depth = _depth(rng) * rng.choice((1, 10))
        close = b"]" * depth if rng.random() < 0.7 else b""
        payload = b"[" * depth + b'{"@type": "ImageObject", "contentUrl": "/deep.jpg"}' + close
    elif kind == 2:
        depth = _depth(rng)
        key = rng.choice((b'"image"', b'"@graph"', b'"associatedMedia"', b'"x"'))
        payload = b'{"@type": "NewsArticle", ' + (key + b": {") * depth + b'"url": "/d.jpg"'
        payload += b"}" * (depth + 1) if rng.random() < 0.7 else b""
    elif kind == 3:
        digits = rng.choice((4300, 4301, 5000, 100_000))
        payload = b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "width": ' + b"9" * digits
        payload += b"}"
    elif kind == 4:
        escapes = rng.choice((b"\\ud800", b"\\udc00", b"\\u0000", b"\\uffff", b"\\\\", b'\\"'))
        payload = (
            b'{"@type": "ImageObject", "contentUrl": "/a.jpg", "caption": "'
            + escapes * min(_huge(rng) // len(escapes), 400_000)
            + b'"}'
        )
    else:
        payload = _pick(rng, _MALFORMED_JSONLD)
        payload = payload[: rng.randint(0, len(payload))]
    script_type = rng.choice(
        (b"application/ld+json", b"APPLICATION/LD+JSON", b"application/ld+json; charset=utf-8")
    )
    piece = b'<script type="' + script_type + b'">' + payload + b"</script>"
    return _insert(data, _position(data, rng), piece)


# ---- encodings, control characters and character references ------------------------------

_BAD_UTF8 = (
    b"\xff",
    b"\xfe\xff",
    b"\x80",
    b"\xbf\xbf",
    b"\xc0\xaf",
    b"\xc1\xbf",
    b"\xe0\x80\xaf",
    b"\xed\xa0\x80",
    b"\xed\xbf\xbf",
    b"\xed\xa0\xbd\xed\xb8\x80",
    b"\xf4\x90\x80\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xc3",
)


@mutator
def bad_utf8(data: bytes, rng: random.Random) -> bytes:
    """Invalid UTF-8 (overlong forms, encoded surrogates, truncated sequences, bytes
    that never occur) in text, attributes and URLs."""
    return _sprinkle(data, rng, _BAD_UTF8, (1, 3, 10, 100), (1, 1, 1, 50))


_CHARSETS = (
    b"utf-8",
    b"UTF-8",
    b"utf-16",
    b"utf-16le",
    b"utf-16be",
    b"utf-32",
    b"shift_jis",
    b"euc-jp",
    b"iso-2022-jp",
    b"gb18030",
    b"big5",
    b"windows-1252",
    b"koi8-r",
    b"x-user-defined",
    b"utf-7",
    b"cp037",
    b"hz-gb-2312",
    b"iso-8859-8-i",
    b"replacement",
    b"bogus-charset",
    b"",
    b"utf-8\x00",
    b"a" * 2000,
    b"\xff\xfe",
    b"utf-8\x01",
    b"\x1b",
)


@mutator
def conflicting_charset(data: bytes, rng: random.Random) -> bytes:
    """One to three contradicting declarations of the character set (meta charset,
    http-equiv, XML declaration), some naming no real encoding."""
    pieces = []
    for _ in range(rng.randint(1, 3)):
        charset = _pick(rng, _CHARSETS)
        pieces.append(
            rng.choice(
                (
                    b'<meta charset="' + charset + b'">',
                    b"<meta charset=" + charset + b">",
                    b'<meta http-equiv="Content-Type" content="text/html; charset='
                    + charset
                    + b'">',
                    b'<?xml version="1.0" encoding="' + charset + b'"?>',
                )
            )
        )
    at = 0 if rng.random() < 0.6 else rng.randint(0, min(len(data), 2048))
    return _insert(data, at, b"".join(pieces))


_CODECS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "shift_jis", "cp037", "utf-7", "gb18030")


@mutator
def reencode(data: bytes, rng: random.Random) -> bytes:
    """The page transcoded to another encoding (UTF-16 or UTF-32 with or without BOM,
    EBCDIC, UTF-7), with an odd byte count, a wrong BOM or a wrong declaration."""
    text = data.decode("utf-8", errors="replace")
    codec = rng.choice(_CODECS)
    out = text.encode(codec, errors="replace")
    roll = rng.random()
    if roll < 0.3 and len(out) > 1:
        out = out[: len(out) - 1 - 2 * rng.randrange(max(1, min(len(out) // 2, 8)))]  # odd length
    elif roll < 0.5:
        out = rng.choice((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00")) + data
    elif roll < 0.6:
        out = b"\xff\xfe" + out[:1] + out  # BOM, then a misaligned body
    return out


_CONTROL = (
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9b",
    "\u202a",
    "\u202b",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200b",
    "\u200e",
    "\u200f",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\u0301",
    "\U000e0041",
    "\U0010ffff",
)


@mutator
def control_characters(data: bytes, rng: random.Random) -> bytes:
    """Control characters, bidi overrides, zero-width and noncharacters in text and
    attributes; sometimes long runs of them (combining marks by the ten thousand)."""
    out = data
    for _ in range(rng.choice((1, 5, 20))):
        char = rng.choice(_CONTROL)
        run = rng.choice((1, 1, 3, 100, 10000))
        piece = (char * run).encode("utf-8", errors="surrogatepass")
        if rng.random() < 0.3:
            piece = b"Photo: " + piece + b"Jane Doe/AP" + piece
        if len(out) + len(piece) - len(data) > MAX_GROWTH:
            break
        out = _insert(out, _text_position(out, rng), piece)
    return out


_REFERENCES = (
    b"&#0;",
    b"&#x0;",
    b"&#xD800;",
    b"&#xDFFF;",
    b"&#55296;&#56320;",
    b"&#x110000;",
    b"&#99999999999999999999;",
    b"&#x" + b"0" * 5000 + b"41;",
    b"&" + b"a" * 5000 + b";",
    b"&#",
    b"&#x;",
    b"&amp",
    b"&nbsp;",
    b"&#x202E;",
    b"&copy",
    b"&#128;",
    b"&#x9F;",
    b"&#xFFFE;",
)


@mutator
def char_references(data: bytes, rng: random.Random) -> bytes:
    """Invalid, out-of-range and surrogate character references, bare ampersands and
    entity storms, in text and attribute values."""
    return _sprinkle(data, rng, _REFERENCES, (1, 5, 30), (1, 1, 10, 1000))


_UNCLOSED = (
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"<script>",
    b"<style>",
    b"<textarea>",
    b"<plaintext>",
    b"<xmp>",
    b"<title>",
    b"<noscript>",
    b"<template>",
    b"<svg>",
    b"<math>",
    b"<?php",
    b"<!DOCTYPE",
    b"<!",
    b"<![",
    b"<!-",
    b"</",
    b"<a",
    b'<img src="',
    b"<img src='",
    b'"',
    b"<iframe>",
    b"<table>",
    b"<frameset>",
    b"<select>",
    b"<![if !IE]>",
    b"<!ENTITY x SYSTEM 'file:///etc/passwd'>",
    b"<?xml version='1.0'?>",
    b'<html xmlns="http://www.w3.org/1999/xhtml">',
    b"<base href='javascript:'>",
    b"<base href='file:///'>",
    b"<base href='//evil.example/'>",
    b"<![x]>",
    b"<![ if IE ]>",
    b'<meta charset="\x01"><![x]>',
)


@mutator
def unclosed_markup(data: bytes, rng: random.Random) -> bytes:
    """Markup that swallows the rest of the page or confuses the parser: unclosed
    comments, CDATA, raw-text elements, declarations, processing instructions, <base>,
    marked sections the fallback parser rejects (after a charset lxml refuses)."""
    out = data
    for _ in range(rng.choice((1, 1, 2, 5))):
        at = _position(out, rng) if rng.random() < 0.5 else rng.randint(0, len(out))
        out = _insert(out, at, _pick(rng, _UNCLOSED))
    return out


# ---- URLs --------------------------------------------------------------------------------

_SCHEMES = (
    b"file:///etc/passwd",
    b"file:///dev/zero",
    b"FILE:///C:/Windows/win.ini",
    b"file://fileserver/share/picture.jpg",
    b"file:" + b"/" * 5000 + b"a.jpg",
    b"javascript:alert(1)//a.jpg",
    b" javascript:alert(1)",
    b"JaVaScRiPt:alert(1)",
    b"jav\tascript:alert(1)",
    b"jav&#x09;ascript:alert(1)",
    b"data:image/png;base64,iVBORw0KGgo=",
    b"data:text/html,<img src=x onerror=alert(1)>",
    b"blob:https://news.example.com/0b2f6d7e",
    b"about:blank",
    b"vbscript:msgbox(1)",
    b"//evil.example/a.jpg",
    b"\\\\evil.example\\share\\a.jpg",
    b"http:/a.jpg",
    b"https:a.jpg",
    b"http://[::1",
    b"http://[",
    b"http://%zz/a.jpg",
    b"http://a b/c.jpg",
    b"http://user:pass@host:99999/a.jpg",
    b"http://host:-1/a.jpg",
    b"mailto:photo@example.com",
    b"ftp://example.com/a.jpg",
    b"chrome://settings/a.jpg",
    b"view-source:http://x/a.jpg",
    b"\x00javascript:alert(1)",
    b"http://\xe2\x80\xaeevil.example/gpj.exe",
    b"http://xn--/a.jpg",
    b"http://" + "ü".encode() * 300 + b".example/a.jpg",
)


@mutator
def weird_schemes(data: bytes, rng: random.Random) -> bytes:
    """Image, link and metadata URLs with file:, javascript:, data:, blob: and broken
    schemes and hosts."""
    url = _pick(rng, _SCHEMES)
    values = list(_SRC_VALUE.finditer(data))
    if values and rng.random() < 0.7:
        out = data
        for match in sorted(
            rng.sample(values, min(len(values), rng.choice((1, 3, 20)))),
            key=lambda m: m.start(),
            reverse=True,
        ):
            out = out[: match.start(2)] + url + out[match.end(2) :]
        return out
    piece = rng.choice(
        (
            b'<figure><img src="' + url + b'"><figcaption>Photo: Jane Doe/AP</figcaption></figure>',
            b'<meta property="og:image" content="' + url + b'">',
            _script(b'{"@type": "ImageObject", "contentUrl": "' + url.replace(b"\\", b"/") + b'"}'),
            b'<img srcset="' + url + b' 2x, /b.jpg 1x">',
            b'<div data-bg="' + url + b'"></div>',
            b'<div style="background-image:url(' + url + b')"></div>',
        )
    )
    return _insert(data, _position(data, rng), piece)


def _long_url(rng: random.Random) -> bytes:
    length = rng.randint(4001, 60_000)
    kind = rng.randrange(6)
    if kind == 0:
        return b"https://cdn.example.com" + b"/segment" * (length // 8) + b"/p.jpg"
    if kind == 1:
        return b"https://cdn.example.com/p.jpg?" + b"a=1&" * (length // 4)
    if kind == 2:
        return b"/" + b"%41%" * (length // 4) + b".jpg"
    if kind == 3:
        return b"https://cdn.example.com/" + b"../" * (length // 3) + b"p.jpg"
    if kind == 4:
        levels = rng.choice((10, 100, 500, 1200, 3000))
        return b"https://r.example/i.jpg?url=" * levels + b"https://cdn.example.com/p.jpg"
    levels = rng.choice((10, 100, 500, 1200, 3000))
    return b"https://r.example/" + b"https://r.example/" * levels + b"p.jpg"


@mutator
def long_urls(data: bytes, rng: random.Random) -> bytes:
    """Image URLs over 4,000 characters: long paths and queries, escapes, dot segments,
    resizer URLs wrapping resizer URLs, addresses inside addresses."""
    url = _long_url(rng)
    values = list(_SRC_VALUE.finditer(data))
    if values and rng.random() < 0.6:
        match = rng.choice(values)
        return data[: match.start(2)] + url + data[match.end(2) :]
    attribute = rng.choice((b"src", b"data-src", b"srcset", b"data-bg"))
    piece = b"<figure><img " + attribute + b'="' + url + b'"><figcaption>Photo: X/AP</figcaption>'
    return _insert(data, _position(data, rng), piece + b"</figure>")


_RENDITION_TOKENS = (
    b"-thumb",
    b"_thumb",
    b"-thumbnail",
    b"_hp",
    b"-hpLarge",
    b"-large",
    b"_large",
    b"-1024x683",
    b"@2x",
    b"-scaled",
    b"-e1700000000",
    b"_w640",
    b"-300",
    b"-superJumbo",
    b"-square640",
    b"-videoSixteenByNineJumbo1600",
    b"-threeByTwoMediumAt2X",
    b"-mediumSquareAt3X",
    b"_crop",
    b"-orig",
)


@mutator
def rendition_suffixes(data: bytes, rng: random.Random) -> bytes:
    """Image file names made of many size and rendition suffixes ("-thumb_thumb-1024x683…"),
    sometimes ending in a character no suffix matches."""
    count = rng.randint(3, 40)
    if rng.random() < 0.5:
        tokens = [_pick(rng, _RENDITION_TOKENS)] * count
    else:
        tokens = [_pick(rng, _RENDITION_TOKENS) for _ in range(count)]
    tail = rng.choice((b"", b"", b"!", b"~", b"-", b"%20", b"\xc3\xa9", b".x"))
    name = b"picture" + b"".join(tokens) + tail + rng.choice((b".jpg", b".png", b"", b".jpg.webp"))
    url = rng.choice((b"/media/", b"https://static.example.com/2024/05/")) + name
    images = list(_IMG_TAG.finditer(data))
    if images and rng.random() < 0.6:
        tag = rng.choice(images)
        return _insert(data, tag.start() + 4, b' src="' + url + b'"')
    return _insert(data, _position(data, rng), b'<img src="' + url + b'" alt="rendition">')


def mutate(
    data: bytes, rng: random.Random, names: Sequence[str], limit: int = 16 * 1024 * 1024
) -> tuple[bytes, list[str]]:
    """Apply the named mutations in order; one that would make the input larger than
    ``limit`` bytes is left out. Returns the input and the mutations applied."""
    applied = []
    for name in names:
        mutated = MUTATORS[name](data, rng)
        if len(mutated) <= limit:
            data = mutated
            applied.append(name)
    return data, applied
