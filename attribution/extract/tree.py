"""The parsed page as extraction reads it: parsed whatever the bytes, nested no deeper
than :data:`~attribution.extract.limits.MAX_DEPTH`, rid of scripts and comments, and
indexed once (:mod:`~attribution.extract.index`) so that what each image asks of the
page costs no walk of it.

The tree surgery here relinks bs4's nodes itself: bs4's own ``unwrap``, ``extract`` and
``decompose`` look for each node among its siblings and walk down to its last
descendant, which takes time squared on the pages built to make them do it.
"""

from __future__ import annotations

import re
import string
import warnings
from collections.abc import Callable, Iterable

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning
from bs4.builder import TreeBuilder
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import PageElement

from attribution.extract.builder import LeanLXMLTreeBuilder, lean_builder_works
from attribution.extract.index import PageIndex, TooDeep
from attribution.extract.limits import MAX_DEPTH

# Pages are read as HTML whatever they resemble (XHTML served with an XML declaration, a
# body that looks like a file name): bs4's advice about it is not the user's concern.
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


def parse_markup(html: str | bytes, encoding: str | None = None) -> BeautifulSoup:
    """Parse a page with lxml, else with Python's own parser; never raises.

    Each parser refuses some hostile inputs: lxml a NUL in a declared character set or
    a lone surrogate, Python's parser a malformed ``<![`` declaration. A page lxml
    refuses is decoded here (bad bytes replaced) and given to lxml again, then to
    Python's parser; a page both refuse is read as an empty document.
    """
    try:
        if isinstance(html, bytes):
            return BeautifulSoup(html, builder=_lxml_builder(), from_encoding=encoding)
        return BeautifulSoup(html, builder=_lxml_builder())
    except Exception:  # refused: read the decoded text instead
        text = _as_text(html, encoding)
    for parser in ("lxml", "html.parser"):
        try:
            return BeautifulSoup(text, parser)
        except Exception:  # refused: the next parser, else an empty document
            continue
    return BeautifulSoup("", "html.parser")


def _lxml_builder() -> TreeBuilder:
    """A builder for one parse with lxml: the lean one where this bs4 takes it."""
    return LeanLXMLTreeBuilder() if _LEAN_BUILDER_WORKS else LXMLTreeBuilder()


_LEAN_BUILDER_WORKS = lean_builder_works()


def _as_text(html: str | bytes, encoding: str | None) -> str:
    """The page as text for Python's parser: decoded with ``encoding`` when Python can
    (else as UTF-8), bad bytes and lone surrogates replaced."""
    if isinstance(html, bytes):
        try:
            text = html.decode(encoding or "utf-8", errors="replace")
        except Exception:  # an unknown name, or a codec that is not a text encoding
            text = html.decode("utf-8", errors="replace")
    else:
        text = html
    return text.encode("utf-8", errors="replace").decode("utf-8")


def flatten_deep(root: Tag, max_depth: int = MAX_DEPTH) -> None:
    """Unwrap the elements nested more than ``max_depth`` levels below ``root``.

    The text and the empty elements (images) below an element at ``max_depth`` become
    its own children, in document order; the elements that wrapped them are dropped.
    Browsers also stop nesting (at 512 levels); no real page comes near. Linear in the
    size of the page: bs4's own unwrap would walk the whole depth for every element.
    """
    stack: list[tuple[Tag, int]] = [(root, 0)]
    while stack:
        tag, depth = stack.pop()
        nested = [child for child in tag.contents if isinstance(child, Tag)]
        if depth < max_depth:
            stack.extend((child, depth + 1) for child in nested)
        elif any(child.contents for child in nested):
            _flatten(tag)


def _flatten(tag: Tag) -> None:
    """Make the strings and empty elements below ``tag`` its children, relinking the
    parse tree's sibling and document-order links as bs4 keeps them."""
    last: PageElement = tag
    while isinstance(last, Tag) and last.contents:
        last = last.contents[-1]
    after = last.next_element
    kept: list[PageElement] = []
    node = tag.next_element
    while node is not None:
        if not (isinstance(node, Tag) and node.contents):
            kept.append(node)
        if node is last:
            break
        node = node.next_element
    previous: PageElement = tag
    for place, node in enumerate(kept):
        node.parent = tag
        node.previous_sibling = kept[place - 1] if place else None
        node.next_sibling = kept[place + 1] if place + 1 < len(kept) else None
        node.previous_element = previous
        previous.next_element = node
        previous = node
    previous.next_element = after
    if after is not None:
        after.previous_element = previous
    tag.contents = kept


def take_out(nodes: list[PageElement]) -> None:
    """Take these nodes out of the page, with all they hold; none may be inside another
    (:class:`PageIndex` lists such nodes as ``left_out``, in document order). Each
    parent's children are relinked once (bs4 would look for each node among its
    siblings: time squared on a page of thousands of sibling comments), and each node is
    cut out of the document order where it stands, not by threading the whole page."""
    if not nodes:
        return
    gone = {id(node) for node in nodes}
    parents = {id(node.parent): node.parent for node in nodes if node.parent is not None}
    for parent in parents.values():
        kept = [child for child in parent.contents if id(child) not in gone]
        for child in parent.contents:
            if id(child) in gone:
                child.parent = None
        _relink_children(parent, kept)
    for node in nodes:
        _unthread(node)


def _relink_children(tag: Tag, children: list[PageElement]) -> None:
    for place, child in enumerate(children):
        child.parent = tag
        child.previous_sibling = children[place - 1] if place else None
        child.next_sibling = children[place + 1] if place + 1 < len(children) else None
    tag.contents = children


def _unthread(node: PageElement) -> None:
    """Link the node before ``node`` in document order to the one after all it holds.
    Nodes taken out one after another in document order leave the order as threading
    the remaining page afresh would."""
    last = node
    while isinstance(last, Tag) and last.contents:
        last = last.contents[-1]
    before, after = node.previous_element, last.next_element
    if before is not None:
        before.next_element = after
    if after is not None:
        after.previous_element = before


def index_page(root: Tag, leave_out: Callable[[PageElement], bool] | None = None) -> PageIndex:
    """``flatten_deep(root)``, then ``PageIndex(root, leave_out)``: one walk of the page
    when it is nested no deeper than ``MAX_DEPTH`` (every real page), a second after
    flattening one that is."""
    try:
        return PageIndex(root, leave_out, max_depth=MAX_DEPTH)
    except TooDeep:
        flatten_deep(root)
        return PageIndex(root, leave_out)


def first_with(
    candidates: Iterable[Tag], attribute: str, value: str, *, word: bool = False
) -> Tag | None:
    """The first of ``candidates`` that CSS's ``[attribute="value"]`` matches (with
    ``word``, ``[attribute~="value"]``: one of its space-separated words) on an HTML
    page: what ``select_one`` finds when ``candidates`` are, in document order, every
    element it could match. Without a CSS engine: it took most of a small page's time."""
    caseless = attribute in _HTML_CASELESS
    wanted = value.translate(_ASCII_LOWER) if caseless else value
    for tag in candidates:
        raw = tag.attrs.get(attribute)
        if raw is None:
            continue
        text = raw if isinstance(raw, str) else " ".join(raw)
        if caseless:
            text = text.translate(_ASCII_LOWER)
        if word:
            if wanted and not _CSS_SPACE.search(wanted) and wanted in _CSS_SPACE.split(text):
                return tag
        elif text == wanted:
            return tag
    return None


_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_CSS_SPACE = re.compile(r"[ \t\r\n\f]")
# The attributes whose values HTML matches without regard to ASCII case in selectors.
_HTML_CASELESS = frozenset(
    """
    accept accept-charset align alink axis bgcolor charset checked clear codetype color
    compact declare defer dir direction disabled enctype face frame hreflang http-equiv lang
    language link media method multiple nohref noresize noshade nowrap readonly rel rev rules
    scope scrolling selected shape target text type valign valuetype vlink
    """.split()
)
