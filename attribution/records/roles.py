"""What an image is to its page: a picture the article shows (``content``), or one the
page only declares for sharing, in og:image, twitter:image or JSON-LD (``social``).

A module of its own, without dataclasses, so that the reports that tell the two apart
load nothing more."""

from __future__ import annotations

CONTENT_ROLE = "content"
SOCIAL_ROLE = "social"
IMAGE_ROLES = (CONTENT_ROLE, SOCIAL_ROLE)
