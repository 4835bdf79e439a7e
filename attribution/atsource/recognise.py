"""The knowledge base's licence for what a source calls a licence: its address, or its name.

Recognition is the credit parser's (:mod:`attribution.credits.licence_names`): the
grammar of Creative Commons names and links, and the aliases of ``licences/*.toml``. A
new spelling a source uses is an alias added there, not a word added here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attribution.credits.licence_names import find_licences_in_text, licence_from_url

if TYPE_CHECKING:
    from attribution.credits.licence_names import LicenceMention
    from attribution.licences import KnowledgeBase

# The knowledge base's bare "public domain": a name that also names a more precise
# licence ("Public Domain Dedication (CC0)") means the precise one.
VAGUE_LICENCES = frozenset({"LicenseRef-Public-Domain"})
# Names and addresses longer than this are not read.
MAX_NAME_LENGTH = 2000


def licence_by_url(url: str | None, kb: KnowledgeBase) -> str | None:
    """The knowledge-base id of the licence an address points to, or None."""
    if not url or len(url) > MAX_NAME_LENGTH:
        return None
    mention = licence_from_url(url, kb)
    return mention.licence if mention is not None else None


def licence_in_text(text: str | None, kb: KnowledgeBase) -> str | None:
    """The knowledge-base id of the licence a name says, or None.

    When the name mentions several, a licence the knowledge base knows at its version
    comes before a family named without one, and a precise licence before the bare
    public domain; among equals, the first printed ("cc-by-sa-2.5,2.0,1.0" is read as
    CC BY-SA 2.5, the version Commons links to).
    """
    if not text or len(text) > MAX_NAME_LENGTH:
        return None
    known = [m for m in find_licences_in_text(text, kb) if m.licence is not None]
    if not known:
        return None
    best = max(known, key=lambda mention: _rank(mention, kb))
    return best.licence


def _rank(mention: LicenceMention, kb: KnowledgeBase) -> tuple[bool, bool, int]:
    licence = mention.licence or ""
    return (licence not in VAGUE_LICENCES, kb.licence(licence) is not None, -mention.start)


def recognise(kb: KnowledgeBase, url: str | None, *names: str | None) -> str | None:
    """The licence an address points to, else the first of ``names`` that says one."""
    found = licence_by_url(url, kb)
    for name in names:
        if found is not None:
            break
        found = licence_in_text(name, kb)
    return found
