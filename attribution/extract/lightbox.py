"""Galleries that a picture on the page opens.

A gallery often shows a lead picture and a row of thumbnails; a tap on them opens a
lightbox with every slide in full, each with its caption and credit. Templates put that
box wherever suits them (an ``<aside>``, a hidden popup at the end of the page), so the
box's place says nothing of its pictures: the control that opens it does. A box is such a
gallery when a control holding a picture opens it and the box shows that same picture
(in another size): a menu button's icon or a newsletter link's badge is not in the box it
opens.

One such gallery is not the article's: a rolling module ("news in pictures") that the site
adds to every page as it serves it. It shows pictures filed after the page last changed,
which the article's own gallery cannot.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from attribution.extract.dom import IMAGE_TAGS, attr
from attribution.extract.urls import filed_month, image_identity

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import date

    from bs4 import Tag

    from attribution.extract.index import PageIndex

# The attributes by which a control names the element it opens: an AMP action
# (``on="tap:gallery-1"``, ``on="tap:box.open"``), ARIA's ``aria-controls``, Bootstrap's
# ``data-target`` / ``data-bs-target`` ("#box"); and a link to a fragment ("#box").
_OPENING_ATTRIBUTES = frozenset({"on", "aria-controls", "data-target", "data-bs-target"})

# How far above its picture a control may be (a button around a preview's wrappers).
_CONTROL_DEPTH = 4

# Bounds on what a page makes this module read (a hostile page may nest thousands of
# controls around thousands of images): how many controls, and how many of the images
# inside a control or a box (a preview shows a gallery's first slides).
_MOST_CONTROLS = 256
_PICTURES_READ = 64

# Where an image's address is read for comparing a thumbnail with a slide.
_PICTURE_ATTRIBUTES = ("src", "data-src")

# The arguments of an AMP action ("AMP.setState({…})"), which name no element.
_AMP_ARGUMENTS = re.compile(r"\([^()]*\)")
# The element an AMP action acts on: the name before ".method", or alone.
_AMP_TARGET = re.compile(r"(?:^|,)\s*([A-Za-z][\w-]*)")


def opened_galleries(index: PageIndex) -> list[tuple[Tag, Tag]]:
    """(control, box) for each element that a control holding a picture opens and that
    shows the same picture (see the module's docstring)."""
    controls: list[tuple[Tag, set[str], set[str]]] = []
    seen: set[int] = set()
    for image in index.named(*IMAGE_TAGS):
        # A control holds its picture: climbed to from each image, not sought in the page.
        element = image.parent
        for _ in range(_CONTROL_DEPTH):
            if element is None or element.name in ("body", "html") or id(element) in seen:
                break
            seen.add(id(element))
            attrs = element.attrs
            href = attrs.get("href")
            may_open = not _OPENING_ATTRIBUTES.isdisjoint(attrs) or (
                isinstance(href, str) and href.startswith("#")
            )
            targets = _targets(element) if may_open else None
            if targets and len(controls) < _MOST_CONTROLS:
                controls.append((element, targets, _pictures(element, index)))
            element = element.parent
    if not controls:
        return []
    wanted = set().union(*(targets for _, targets, _ in controls))
    by_id = {
        value: element
        for element in index.elements
        if (value := attr(element, "id")) is not None and value in wanted
    }
    galleries: dict[int, tuple[Tag, Tag]] = {}
    shown_in: dict[int, set[str]] = {}  # each box's pictures, read once
    for control, targets, shown in controls:
        for target in (by_id.get(name) for name in targets):
            if target is None or id(target) in galleries or _nested(control, target, index):
                continue
            if id(target) not in shown_in:
                shown_in[id(target)] = _pictures(target, index)
            if shown & shown_in[id(target)]:
                galleries[id(target)] = (control, target)
    return list(galleries.values())


def filed_after(box: Tag, as_of: date, index: PageIndex) -> bool:
    """Whether a box shows a picture filed in a later month than ``as_of`` (when the page
    says it last changed): a rolling module ("news in pictures") that the site adds to
    every page as it serves it, not the article's own gallery."""
    latest = (as_of.year, as_of.month)
    return any(
        (filed := filed_month(url)) is not None and filed > latest
        for url in _picture_urls(box, index)
    )


def _nested(control: Tag, target: Tag, index: PageIndex) -> bool:
    """Whether a control and the box it opens hold one another (then both show the same
    picture by being one)."""
    return index.inside(control, target) or index.inside(target, control)


def _targets(control: Tag) -> set[str]:
    """The ids of the elements a control opens."""
    found: set[str] = set()
    for handler in (attr(control, "on") or "").split(";"):  # "event:action,action"
        event, _, actions = handler.partition(":")
        if event.strip() == "tap":
            actions = _AMP_ARGUMENTS.sub("", actions)
            found.update(name for name in _AMP_TARGET.findall(actions) if name != "AMP")
    found.update((attr(control, "aria-controls") or "").split())
    for name in ("data-target", "data-bs-target", "href"):
        value = attr(control, name)
        if value and value.startswith("#") and len(value) > 1:
            found.add(value[1:])
    return found


def _pictures(element: Tag, index: PageIndex) -> set[str]:
    """The identities of the pictures the images inside ``element`` show."""
    return {image_identity(url) for url in _picture_urls(element, index)}


def _picture_urls(element: Tag, index: PageIndex) -> Iterator[str]:
    """The addresses of the first images inside ``element`` (as many as are read)."""
    for image in index.below(element, IMAGE_TAGS, limit=_PICTURES_READ):
        for name in _PICTURE_ATTRIBUTES:
            url = attr(image, name)
            if url is not None:
                yield url
