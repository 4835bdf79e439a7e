"""Bounds on the work one page can make extraction do, so that a hostile page (or a
server sending one) cannot exhaust the checker: every other step is linear in the size
of the page within these bounds.
"""

from __future__ import annotations

# Content images checked on one page. A page with more is checked up to this many and
# carries a notice that the rest were not checked.
MAX_IMAGES = 500

# How deeply elements may nest. Browsers stop nesting at 512 levels; the deepest of the
# real article pages the extractor is measured on nests 28. Elements below this depth are
# unwrapped: their text and images are kept, in order, inside the element at this depth.
MAX_DEPTH = 256

# Caption and credit elements read for one image. A real caption has a handful (text,
# credit, licence link); a figure left open around a gallery can hold thousands, and
# reading them all for each of its images would make the work grow with their square.
MAX_CAPTION_PARTS = 40
