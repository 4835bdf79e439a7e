"""The sources asked about images (Wikimedia Commons, Flickr) and what an answer can
say of an item.

A module of its own, without dataclasses, so that ``attribution rules`` and the other
quick commands that name them load no source records."""

from __future__ import annotations

COMMONS = "commons"
FLICKR = "flickr"
# The services as people know them, for messages.
SERVICE_NAMES = {COMMONS: "Wikimedia Commons", FLICKR: "Flickr"}

# What an answer said of the item.
FOUND = "found"  # the item is there, with its licence
MISSING = "missing"  # deleted, or never there
PRIVATE = "private"  # there, but not shown to the public
ANSWER_STATUSES = (FOUND, MISSING, PRIVATE)
