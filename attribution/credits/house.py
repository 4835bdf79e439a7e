"""The page's own publisher in its credits: "Photo illustration by Slate" on Slate's
page, "[DS]" on the Daily Star's. The page names its publisher (its site name, the
publisher of its article, its host: see :func:`attribution.extract.declared.site_names`);
a credit piece that is one of those names, or their initials, credits the house.
"""

from __future__ import annotations

import re
from functools import lru_cache

# What a name may be written with or without: case, spaces, full stops, hyphens,
# apostrophes ("Daily Star", "DailyStar", "dailystar").
_LEFT_OUT = re.compile(r"[\s.\-_'’]+")
# A host's name ("dailystar.co.uk"); the look behind starts a match only at a name's start,
# so a search is linear in the text.
_DOMAIN_NAME = re.compile(r"(?<![\w-])(?P<name>[\w-]+)\.[a-z]{2,6}(?:\.[a-z]{2})?", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+")


def compact(text: str) -> str:
    """``text`` case folded, without the characters a name may be written with or
    without (see _LEFT_OUT)."""
    return _LEFT_OUT.sub("", text.casefold())


@lru_cache(maxsize=256)
def house_forms(names: tuple[str, ...]) -> dict[str, str | None]:
    """The forms by which a credit names the house, compact (:func:`compact`), each with
    the name to report for it: a name's initials ("ds") stand for the name ("Daily
    Star"); for the name itself, a site's domain without its ending ("dailystar" for
    "Dailystar.co.uk") and a host's name, None: the credit's own words are reported."""
    forms: dict[str, str | None] = {}
    for name in names:
        whole = compact(name)
        if len(whole) >= 2:
            forms.setdefault(whole, None)
        domain = _DOMAIN_NAME.fullmatch(name.strip())
        if domain:
            forms.setdefault(compact(domain.group("name")), None)
            continue
        words = _WORD.findall(name)
        if 2 <= len(words) <= 5:
            forms.setdefault("".join(word[0] for word in words).casefold(), name)
    return forms


def named_forms(text: str, names: tuple[str, ...]) -> tuple[tuple[str, str | None], ...]:
    """The forms of the house (see :func:`house_forms`) that ``text`` may name: those
    within its compact form, in a tuple to key a cache by."""
    if not names:
        return ()
    written = compact(text)
    return tuple((form, name) for form, name in house_forms(names).items() if form in written)


def names_house(name: str, names: tuple[str, ...]) -> bool:
    """Whether ``name`` (a credit's provider) is the house of a page that gives its
    publisher ``names``: one of their forms, or the name its initials stand for."""
    forms = house_forms(names)
    return compact(name) in forms or name in forms.values()
