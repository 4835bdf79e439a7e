"""How images and licences are named in the rules' messages and fixes."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from attribution.licences import Licence
    from attribution.records import ExtractedImage


def describe_image(image: ExtractedImage) -> str:
    """A short name for an image in messages: its alt text and file name."""
    name = image.src.rsplit("/", 1)[-1].split("?", 1)[0] or image.src
    if len(name) > 60:
        name = name[:57] + "…"
    return f"'{image.alt}' ({name})" if image.alt else name


def licence_label(licence: Licence) -> str:
    """The short name printed in credits: "CC BY-NC 2.0", "CC BY-SA 3.0 DE", "CC0 1.0"."""
    if licence.family.startswith("CC-"):
        label = f"CC {licence.family.removeprefix('CC-')} {licence.version}"
        return f"{label} {licence.port}" if licence.port else label
    if licence.id == "CC0-1.0":
        return "CC0 1.0"
    return licence.name
