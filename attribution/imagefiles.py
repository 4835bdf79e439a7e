"""What the first bytes of an image file say without reading its metadata: its format,
its JPEG segments, whether it carries Content Credentials.

Kept apart from :mod:`attribution.embedded` (and the EXIF and XML readers it loads) so
that the process that fetches image files decides how much of each to read without
loading the readers: only the parsing process runs them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)


class Unreadable(Exception):
    """A metadata block that is present but cannot be read (the message says why)."""


def sniff_format(data: bytes) -> str | None:
    """The image format from the file's first bytes, or None when it is not an image."""
    for signature, name in SIGNATURES:
        if data.startswith(signature):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        return "avif" if brand in (b"avif", b"avis") else "heic"
    return None


def jpeg_segments(data: bytes, wanted: int) -> Iterator[bytes]:
    """The payloads of one kind of JPEG marker segment (APP1 = 0xE1, APP13 = 0xED, …);
    :class:`Unreadable` (or :class:`struct.error`) where a segment's length is
    impossible."""
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no metadata after this
            return
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if length < 2:
            raise Unreadable("JPEG segment with an impossible length")
        payload = data[position + 4 : position + 2 + length]
        if marker == wanted:
            yield payload
        position += 2 + length


def readable_segments(data: bytes, wanted: int) -> Iterator[bytes]:
    """:func:`jpeg_segments`, stopping quietly where the segments cannot be read."""
    try:
        yield from jpeg_segments(data, wanted)
    except (Unreadable, struct.error):
        return


def has_content_credentials(data: bytes, image_format: str) -> bool:
    """Whether the file carries a C2PA manifest store (a JUMBF box labelled "c2pa")."""
    if image_format == "jpeg":
        return any(b"c2pa" in segment[:64] for segment in readable_segments(data, 0xEB))
    if image_format == "png":
        return b"caBX" in data
    if image_format == "webp":
        return b"C2PA" in data
    return b"jumb" in data and b"c2pa" in data
