"""Credit lines: splitting them from captions, reading them, naming their licences.

- :func:`split_caption_credit` (``captions``) separates a credit from the caption text
  it is printed in;
- :func:`parse_credit` (``parse``) turns a credit line into a :class:`~attribution.records.Credit`;
- :func:`find_licences_in_text` and :func:`licence_from_url` (``licence_names``) name
  the licences in a credit and in the links beside it;
- ``vocabulary`` holds the words all of them read credits by.

Each name is imported from its module when it is first used, so that a command that
only parses credits does not build the patterns that split captions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attribution.lazy import lazy_names

if TYPE_CHECKING:
    from attribution.credits.captions import split_caption_credit
    from attribution.credits.licence_names import (
        LicenceMention,
        find_licences_in_text,
        licence_from_url,
    )
    from attribution.credits.parse import parse_credit, strip_label

__all__ = [
    "LicenceMention",
    "find_licences_in_text",
    "licence_from_url",
    "parse_credit",
    "split_caption_credit",
    "strip_label",
]

_MODULES = {
    "LicenceMention": "licence_names",
    "find_licences_in_text": "licence_names",
    "licence_from_url": "licence_names",
    "parse_credit": "parse",
    "split_caption_credit": "captions",
    "strip_label": "parse",
}


__getattr__ = lazy_names(__name__, _MODULES)
