"""Making text taken from pages safe wherever it is shown: terminals and spreadsheets.
(HTML is escaped with :func:`html.escape` where the HTML report is built.)"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What makes a spreadsheet read a cell as a formula: these first (full-width forms
# too, which some locales of Excel take as the ASCII ones), also after white space,
# which spreadsheets may trim on import.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def terminal_safe(text: str) -> str:
    """Text taken from a page, with control and bidi-override characters made visible."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)


def spreadsheet_safe(value: str | None) -> str:
    """A cell value that a spreadsheet will not run as a formula."""
    value = value or ""
    if value.startswith(_FORMULA_START) or value.lstrip().startswith(_FORMULA_START):
        return "'" + value
    return value
