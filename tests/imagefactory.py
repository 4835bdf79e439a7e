"""Image files for the tests, made byte by byte.

Every file here is built at test time with :mod:`struct` and :mod:`zlib`, so the tests
commit no binary fixtures and need no imaging library. Each well-formed file is a real,
decodable picture (a few grey blocks), carrying its metadata the way cameras, editors
and agency tools store it:

* JPEG: APP1 Exif (a TIFF IFD0), APP1 XMP, APP2 ICC profile, APP13 Photoshop image
  resources holding IPTC IIM, then a baseline (SOF0) Huffman-coded greyscale image.
* TIFF: the metadata tags in IFD0 beside the strip of uncompressed pixels, XMP in tag 700.
* PNG: EXIF in an ``eXIf`` chunk, XMP in an ``iTXt`` chunk keyed ``XML:com.adobe.xmp``.
* WebP: an extended (VP8X) RIFF file with a lossless (VP8L) picture, EXIF and XMP chunks.
* GIF: GIF89a with XMP in the "XMP DataXMP" application extension.

Hostile files (cut short, with absurd sizes, looping offsets or an entity bomb) and
files signed with Content Credentials (C2PA, through c2pa-python and a certificate
chain generated with :mod:`cryptography` on first use) are made here too.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
import json
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = [
    "Metadata",
    "absurd_dimensions_png",
    "c2pa_signed_jpeg",
    "c2pa_tampered_jpeg",
    "corrupt_exif_offsets_jpeg",
    "gif",
    "jpeg",
    "not_an_image",
    "png",
    "tiff",
    "truncated_jpeg",
    "webp",
    "xmp_entity_bomb_jpeg",
    "xmp_packet",
    "zero_bytes",
]

AI_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
CAMERA_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"


@dataclass(frozen=True)
class Metadata:
    """What a made file says about itself; a field left None is not written at all.

    ``artist``, ``copyright`` and ``description`` are the EXIF Artist, Copyright and
    ImageDescription tags; ``byline``, ``credit``, ``source``, ``copyright_notice`` and
    ``caption`` are the IPTC IIM datasets 2:80, 2:110, 2:115, 2:116 and 2:120 (written
    in JPEG only); ``xmp`` is a whole XMP packet (see :func:`xmp_packet`);
    ``icc_copyright`` is the copyright text of an ICC colour profile (JPEG only).
    GIF files carry only the XMP packet.
    """

    artist: str | None = None
    copyright: str | None = None
    description: str | None = None
    byline: str | None = None
    credit: str | None = None
    source: str | None = None
    copyright_notice: str | None = None
    caption: str | None = None
    xmp: bytes | None = None
    icc_copyright: str | None = None


# --- XMP ------------------------------------------------------------------------------

_XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "cc": "http://creativecommons.org/ns#",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
}
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XPACKET_BEGIN = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
_XPACKET_END = '<?xpacket end="w"?>'
_XMP_APP1 = b"http://ns.adobe.com/xap/1.0/\x00"


def _text(value: str) -> str:
    """``value`` escaped for XML element content."""
    return escape(value)


def _attribute(value: str) -> str:
    """``value`` escaped for an XML attribute in double quotes."""
    return escape(value, {'"': "&quot;", "\n": "&#10;", "\t": "&#9;"})


def xmp_packet(
    *,
    creator: str | None = None,
    rights: str | None = None,
    credit: str | None = None,
    web_statement: str | None = None,
    cc_license: str | None = None,
    attribution_name: str | None = None,
    licensor: str | None = None,
    digital_source_type: str | None = None,
) -> bytes:
    """A UTF-8 XMP packet, laid out the way Adobe and IPTC tools write one.

    Simple properties (photoshop:Credit, xmpRights:WebStatement, cc:attributionName,
    Iptc4xmpExt:DigitalSourceType) are attributes of the rdf:Description; dc:creator
    is an rdf:Seq, dc:rights an rdf:Alt with an ``x-default`` item, cc:license an
    ``rdf:resource`` and plus:Licensor an rdf:Seq of structures with plus:LicensorName.
    Every value is XML-escaped. The packet ends with whitespace padding and the
    ``<?xpacket end="w"?>`` trailer, as editors leave room to rewrite it in place.
    """
    attributes = [
        ("xmpRights:Marked", "True" if rights or web_statement else None),
        ("photoshop:Credit", credit),
        ("xmpRights:WebStatement", web_statement),
        ("cc:attributionName", attribution_name),
        ("Iptc4xmpExt:DigitalSourceType", digital_source_type),
    ]
    elements: list[str] = []
    if creator is not None:
        elements.append(
            f"   <dc:creator>\n    <rdf:Seq>\n     <rdf:li>{_text(creator)}</rdf:li>\n"
            "    </rdf:Seq>\n   </dc:creator>"
        )
    if rights is not None:
        elements.append(
            "   <dc:rights>\n    <rdf:Alt>\n"
            f'     <rdf:li xml:lang="x-default">{_text(rights)}</rdf:li>\n'
            "    </rdf:Alt>\n   </dc:rights>"
        )
    if cc_license is not None:
        elements.append(f'   <cc:license rdf:resource="{_attribute(cc_license)}"/>')
    if licensor is not None:
        elements.append(
            "   <plus:Licensor>\n    <rdf:Seq>\n"
            '     <rdf:li rdf:parseType="Resource">\n'
            f"      <plus:LicensorName>{_text(licensor)}</plus:LicensorName>\n"
            "     </rdf:li>\n    </rdf:Seq>\n   </plus:Licensor>"
        )
    declarations = "".join(
        f'\n    xmlns:{prefix}="{uri}"' for prefix, uri in _XMP_NAMESPACES.items()
    )
    simple = "".join(
        f'\n   {name}="{_attribute(value)}"' for name, value in attributes if value is not None
    )
    body = "\n".join(elements)
    description = f'  <rdf:Description rdf:about=""{declarations}{simple}' + (
        f">\n{body}\n  </rdf:Description>" if body else "/>"
    )
    padding = "\n".join(" " * 99 for _ in range(20))
    packet = (
        f"{_XPACKET_BEGIN}\n"
        '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="attribution imagefactory">\n'
        f' <rdf:RDF xmlns:rdf="{_RDF}">\n{description}\n </rdf:RDF>\n</x:xmpmeta>\n'
        f"{padding}\n{_XPACKET_END}"
    )
    return packet.encode("utf-8")


# --- TIFF and EXIF --------------------------------------------------------------------

_ASCII, _SHORT, _LONG, _RATIONAL, _BYTE, _UNDEFINED = 2, 3, 4, 5, 1, 7
_TAG_DESCRIPTION, _TAG_ARTIST, _TAG_COPYRIGHT = 0x010E, 0x013B, 0x8298
_TAG_EXIF_IFD, _TAG_XMP = 0x8769, 0x02BC

# (tag, field type, count, value bytes in the file's byte order)
Entry = tuple[int, int, int, bytes]


def _ascii(tag: int, value: str) -> Entry:
    """An ASCII entry: UTF-8 text (as ExifTool and most editors write it), NUL-ended."""
    raw = value.encode("utf-8") + b"\x00"
    return tag, _ASCII, len(raw), raw


def _numbers(order: str, tag: int, field_type: int, *values: int) -> Entry:
    """A SHORT, LONG or RATIONAL (numerator, denominator pairs) entry."""
    code = {_SHORT: "H", _LONG: "I", _RATIONAL: "I"}[field_type]
    count = len(values) // 2 if field_type == _RATIONAL else len(values)
    return tag, field_type, count, struct.pack(f"{order}{len(values)}{code}", *values)


def _ifd(order: str, start: int, entries: Iterable[Entry], next_ifd: int = 0) -> bytes:
    """One image file directory that begins ``start`` bytes into the TIFF stream.

    Values longer than 4 bytes follow the directory (each at an even offset); shorter
    ones sit in the entry itself, left-justified, as TIFF 6.0 says.
    """
    entries = sorted(entries)
    size = 2 + 12 * len(entries) + 4
    table = [struct.pack(f"{order}H", len(entries))]
    overflow = b""
    for tag, field_type, count, value in entries:
        if len(value) <= 4:
            inline = value.ljust(4, b"\x00")
        else:
            inline = struct.pack(f"{order}I", start + size + len(overflow))
            overflow += value + b"\x00" * (len(value) % 2)
        table.append(struct.pack(f"{order}HHI", tag, field_type, count) + inline)
    table.append(struct.pack(f"{order}I", next_ifd))
    return b"".join(table) + overflow


def _tiff_header(order: str, first_ifd: int = 8) -> bytes:
    """The 8-byte TIFF header: byte order, the magic 42 and the first IFD's offset."""
    return (b"II" if order == "<" else b"MM") + struct.pack(f"{order}HI", 42, first_ifd)


def _metadata_entries(metadata: Metadata) -> list[Entry]:
    """The EXIF IFD0 text tags ``metadata`` sets."""
    entries = []
    if metadata.description is not None:
        entries.append(_ascii(_TAG_DESCRIPTION, metadata.description))
    if metadata.artist is not None:
        entries.append(_ascii(_TAG_ARTIST, metadata.artist))
    if metadata.copyright is not None:
        entries.append(_ascii(_TAG_COPYRIGHT, metadata.copyright))
    return entries


def _exif(metadata: Metadata, width: int, height: int, order: str = ">") -> bytes | None:
    """An EXIF TIFF stream (IFD0 and an Exif sub-IFD with the tags Exif 2.32 requires),
    or None when there is nothing to say. This is the body of a JPEG APP1 segment after
    ``Exif\\0\\0``, of a PNG ``eXIf`` chunk and of a WebP ``EXIF`` chunk."""
    text = _metadata_entries(metadata)
    if not text:
        return None
    required = [
        _numbers(order, 0x011A, _RATIONAL, 72, 1),  # XResolution
        _numbers(order, 0x011B, _RATIONAL, 72, 1),  # YResolution
        _numbers(order, 0x0128, _SHORT, 2),  # ResolutionUnit: inches
        _numbers(order, 0x0213, _SHORT, 1),  # YCbCrPositioning: centred
    ]

    def ifd0(exif_offset: int) -> bytes:
        pointer = _numbers(order, _TAG_EXIF_IFD, _LONG, exif_offset)
        return _ifd(order, 8, [*text, *required, pointer])

    exif_offset = 8 + len(ifd0(0))
    exif_ifd = _ifd(
        order,
        exif_offset,
        [
            (0x9000, _UNDEFINED, 4, b"0232"),  # ExifVersion 2.32
            (0x9101, _UNDEFINED, 4, b"\x01\x00\x00\x00"),  # ComponentsConfiguration: Y
            (0xA000, _UNDEFINED, 4, b"0100"),  # FlashpixVersion 1.0
            _numbers(order, 0xA001, _SHORT, 1),  # ColorSpace: sRGB
            _numbers(order, 0xA002, _LONG, width),  # PixelXDimension
            _numbers(order, 0xA003, _LONG, height),  # PixelYDimension
        ],
    )
    return _tiff_header(order) + ifd0(exif_offset) + exif_ifd


def tiff(metadata: Metadata) -> bytes:
    """A little-endian, uncompressed 8-bit greyscale TIFF of 8 x 8 pixels.

    The EXIF text tags sit in IFD0 beside the image tags (as TIFF 6.0 defines them);
    an XMP packet goes in tag 700, as the XMP specification says for TIFF.
    """
    order, width, height = "<", 8, 8
    pixels = bytes(32 * (row // 2) + 16 for row in range(height) for _ in range(width))
    extra = _metadata_entries(metadata)
    if metadata.xmp is not None:
        extra.append((_TAG_XMP, _BYTE, len(metadata.xmp), metadata.xmp))

    def ifd0(strip_offset: int) -> bytes:
        return _ifd(
            order,
            8,
            [
                _numbers(order, 0x0100, _SHORT, width),  # ImageWidth
                _numbers(order, 0x0101, _SHORT, height),  # ImageLength
                _numbers(order, 0x0102, _SHORT, 8),  # BitsPerSample
                _numbers(order, 0x0103, _SHORT, 1),  # Compression: none
                _numbers(order, 0x0106, _SHORT, 1),  # PhotometricInterpretation: BlackIsZero
                _numbers(order, 0x0111, _LONG, strip_offset),  # StripOffsets
                _numbers(order, 0x0115, _SHORT, 1),  # SamplesPerPixel
                _numbers(order, 0x0116, _SHORT, height),  # RowsPerStrip
                _numbers(order, 0x0117, _LONG, len(pixels)),  # StripByteCounts
                _numbers(order, 0x011A, _RATIONAL, 72, 1),  # XResolution
                _numbers(order, 0x011B, _RATIONAL, 72, 1),  # YResolution
                _numbers(order, 0x0128, _SHORT, 2),  # ResolutionUnit: inches
                *extra,
            ],
        )

    strip_offset = 8 + len(ifd0(0))
    return _tiff_header(order) + ifd0(strip_offset) + pixels


# --- JPEG -----------------------------------------------------------------------------

# The luminance quantisation table of ITU-T T.81 Annex K (Table K.1), in natural order.
_QUANTISATION = (
    (16, 11, 10, 16, 24, 40, 51, 61),
    (12, 12, 14, 19, 26, 58, 60, 55),
    (14, 13, 16, 24, 40, 57, 69, 56),
    (14, 17, 22, 29, 51, 87, 80, 62),
    (18, 22, 37, 56, 68, 109, 103, 77),
    (24, 35, 55, 64, 81, 104, 113, 92),
    (49, 64, 78, 87, 103, 121, 120, 101),
    (72, 92, 95, 98, 112, 100, 103, 99),
)
# The luminance DC Huffman table of Annex K (Table K.3): code counts by length, symbols.
_DC_COUNTS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_SYMBOLS = tuple(range(12))
# The pictures are flat 8 x 8 blocks, so the AC table needs one symbol: end of block.
_AC_COUNTS = (1, *([0] * 15))
_AC_SYMBOLS = (0x00,)
# The grey of each 8 x 8 block of the 16 x 16 picture, in raster order.
_SHADES = (96, 128, 160, 192)
# Another picture whose scan has exactly as many bits (each DC difference is in the same
# size category), so that it can replace the first inside a signed file.
_OTHER_SHADES = (160, 128, 96, 64)
_PADDING_TEXT = b"padding so that the file is large; the metadata stays in its head. "


def _zigzag() -> list[int]:
    """Natural-order indexes of the 64 coefficients in zig-zag order (T.81 Figure 5)."""

    def key(index: int) -> tuple[int, int]:
        row, column = divmod(index, 8)
        diagonal = row + column
        return diagonal, row if diagonal % 2 else column

    return sorted(range(64), key=key)


def _huffman_codes(counts: Iterable[int], symbols: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Each symbol's (code, length) for a table given as counts by length (T.81 C.2)."""
    codes: dict[int, tuple[int, int]] = {}
    remaining = iter(symbols)
    code = 0
    for length, count in enumerate(counts, start=1):
        for _ in range(count):
            codes[next(remaining)] = (code, length)
            code += 1
        code <<= 1
    return codes


class _BitWriter:
    """Bits written most significant first, as JPEG's Huffman codes are."""

    def __init__(self) -> None:
        self.bits: list[int] = []

    def write(self, value: int, length: int) -> None:
        self.bits.extend((value >> shift) & 1 for shift in range(length - 1, -1, -1))

    def jpeg_bytes(self) -> bytes:
        """The bits padded with 1s to a whole byte, each 0xFF byte stuffed with 0x00."""
        bits = self.bits + [1] * (-len(self.bits) % 8)
        out = bytearray()
        for start in range(0, len(bits), 8):
            byte = int("".join(map(str, bits[start : start + 8])), 2)
            out.append(byte)
            if byte == 0xFF:
                out.append(0x00)
        return bytes(out)


def _scan(shades: tuple[int, ...]) -> bytes:
    """The entropy-coded data of flat blocks of the given greys (level shift 128).

    A flat block's only coefficient is DC = 8 x (grey - 128), quantised by the table's
    first entry; each block codes its difference from the previous block's DC.
    """
    dc_codes = _huffman_codes(_DC_COUNTS, _DC_SYMBOLS)
    end_of_block = _huffman_codes(_AC_COUNTS, _AC_SYMBOLS)[0x00]
    writer = _BitWriter()
    previous = 0
    for shade in shades:
        dc = round(8 * (shade - 128) / _QUANTISATION[0][0])
        difference, previous = dc - previous, dc
        size = abs(difference).bit_length()
        writer.write(*dc_codes[size])
        if size:
            writer.write(difference if difference > 0 else difference + (1 << size) - 1, size)
        writer.write(*end_of_block)
    return writer.jpeg_bytes()


def _segment(marker: int, payload: bytes) -> bytes:
    """A JPEG marker segment: 0xFF, the marker, a length that counts itself, the payload."""
    if len(payload) > 65533:
        raise ValueError(f"a JPEG segment holds at most 65533 bytes, not {len(payload)}")
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _icc_profile(copyright_text: str) -> bytes:
    """A minimal ICC v2 monochrome display profile (desc, cprt, wtpt and kTRC tags)."""
    description = b"Grey gamma 2.2"
    tags = [
        (
            b"desc",
            b"desc\x00\x00\x00\x00"
            + struct.pack(">I", len(description) + 1)
            + description
            + b"\x00"
            + struct.pack(">II", 0, 0)  # no Unicode description
            + b"\x00\x00\x00"  # no ScriptCode description
            + b"\x00" * 67,
        ),
        (b"cprt", b"text\x00\x00\x00\x00" + copyright_text.encode("latin-1", "replace") + b"\0"),
        (b"wtpt", b"XYZ \x00\x00\x00\x00" + struct.pack(">iii", 63190, 65536, 54061)),  # D50
        (b"kTRC", b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, 0x0233) + b"\x00\x00"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = struct.pack(">I", len(tags))
    data = b""
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body + b"\x00" * (-len(body) % 4)
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"\x00\x00\x00\x00"  # preferred CMM
        + struct.pack(">I", 0x02100000)  # version 2.1
        + b"mntrGRAYXYZ "
        + struct.pack(">6H", 2024, 1, 1, 0, 0, 0)
        + b"acsp"
        + b"\x00" * 24  # platform, flags, manufacturer, model, attributes
        + struct.pack(">I", 0)  # rendering intent: perceptual
        + struct.pack(">iii", 63190, 65536, 54061)  # the PCS illuminant, D50
        + b"\x00" * 4  # creator
        + b"\x00" * 44  # profile ID (none in v2) and reserved bytes
    )
    assert len(header) == 128
    return header + table + data


def _icc_segments(profile: bytes) -> list[bytes]:
    """APP2 ``ICC_PROFILE`` segments, numbered from 1, each holding part of ``profile``."""
    step = 65533 - 14
    parts = [profile[start : start + step] for start in range(0, len(profile), step)]
    return [
        _segment(0xE2, b"ICC_PROFILE\x00" + bytes([number, len(parts)]) + part)
        for number, part in enumerate(parts, start=1)
    ]


def _iim(metadata: Metadata) -> bytes | None:
    """IPTC IIM records: 1:90 (UTF-8), 2:00 (version 4) and the datasets set, or None."""
    datasets = [
        (80, metadata.byline),
        (110, metadata.credit),
        (115, metadata.source),
        (116, metadata.copyright_notice),
        (120, metadata.caption),
    ]
    present = [(number, value.encode("utf-8")) for number, value in datasets if value is not None]
    if not present:
        return None
    records = [(1, 90, b"\x1b%G"), (2, 0, b"\x00\x04")]
    records += [(2, number, value) for number, value in present]
    return b"".join(
        struct.pack(">BBBH", 0x1C, record, dataset, len(value)) + value
        for record, dataset, value in records
    )


def _photoshop_resource(resource_id: int, data: bytes) -> bytes:
    """One 8BIM image resource with an empty (padded) Pascal name, padded to even size."""
    return (
        b"8BIM"
        + struct.pack(">H", resource_id)
        + b"\x00\x00"
        + struct.pack(">I", len(data))
        + data
        + b"\x00" * (len(data) % 2)
    )


def _metadata_segments(metadata: Metadata) -> list[bytes]:
    """The APP segments for ``metadata``, in the order cameras and Photoshop write them."""
    segments = []
    exif = _exif(metadata, 16, 16)
    if exif is not None:
        segments.append(_segment(0xE1, b"Exif\x00\x00" + exif))
    if metadata.xmp is not None:
        segments.append(_segment(0xE1, _XMP_APP1 + metadata.xmp))
    if metadata.icc_copyright is not None:
        segments += _icc_segments(_icc_profile(metadata.icc_copyright))
    iim = _iim(metadata)
    if iim is not None:
        # IPTC-NAA (0x0404), and the digest of it that Photoshop keeps beside it (0x0425)
        digest = hashlib.md5(iim).digest()
        resources = _photoshop_resource(0x0404, iim) + _photoshop_resource(0x0425, digest)
        segments.append(_segment(0xED, b"Photoshop 3.0\x00" + resources))
    return segments


def _padding_segments(size: int) -> list[bytes]:
    """COM segments of exactly ``size`` bytes in all (0, or at least 4)."""
    if size == 0:
        return []
    if size < 4:
        raise ValueError("padding must be 0 or at least 4 bytes (a COM segment's header)")
    count = -(-size // 65537)
    sizes = [size // count + (1 if n < size % count else 0) for n in range(count)]
    filler = _PADDING_TEXT * (65533 // len(_PADDING_TEXT) + 1)
    return [_segment(0xFE, filler[: total - 4]) for total in sizes]


def _picture(shades: tuple[int, ...] = _SHADES) -> list[bytes]:
    """DQT, SOF0, DHT, SOS and scan of a 16 x 16 greyscale baseline picture (no SOI/EOI)."""
    natural = [value for row in _QUANTISATION for value in row]
    quantisation = bytes(natural[index] for index in _zigzag())
    frame = struct.pack(">BHHB", 8, 16, 16, 1) + bytes([1, 0x11, 0])
    tables = bytes([0x00, *_DC_COUNTS, *_DC_SYMBOLS]) + bytes([0x10, *_AC_COUNTS, *_AC_SYMBOLS])
    scan_header = bytes([1, 1, 0x00, 0, 63, 0])
    return [
        _segment(0xDB, b"\x00" + quantisation),
        _segment(0xC0, frame),
        _segment(0xC4, tables),
        _segment(0xDA, scan_header),
        _scan(shades),
    ]


def jpeg(metadata: Metadata, padding: int = 0) -> bytes:
    """A baseline JPEG of a 16 x 16 grey picture carrying ``metadata``.

    The segments are SOI, APP1 Exif, APP1 XMP, APP2 ICC profile and APP13 Photoshop
    IPTC (each only when ``metadata`` has something for it), then DQT, SOF0, DHT, SOS,
    the scan and EOI. ``padding`` adds exactly that many bytes of COM segments after
    the metadata, for a large file whose metadata is still in its first kilobytes.
    """
    return b"".join(
        [
            b"\xff\xd8",
            *_metadata_segments(metadata),
            *_padding_segments(padding),
            *_picture(),
            b"\xff\xd9",
        ]
    )


# --- PNG ------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    """A PNG chunk: length, type, data and the CRC-32 of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _ihdr(width: int, height: int) -> bytes:
    """An IHDR chunk for 8-bit greyscale, deflate, adaptive filtering, no interlace."""
    return _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))


def png(metadata: Metadata) -> bytes:
    """An 8 x 8 greyscale PNG with EXIF in ``eXIf`` and XMP in an ``iTXt`` chunk.

    The iTXt chunk is keyed ``XML:com.adobe.xmp``, uncompressed, with empty language
    and translated keyword, as the XMP specification says for PNG.
    """
    rows = b"".join(b"\x00" + bytes(range(16 + 24 * row, 16 + 24 * row + 8)) for row in range(8))
    chunks = [_ihdr(8, 8)]
    exif = _exif(metadata, 8, 8)
    if exif is not None:
        chunks.append(_chunk(b"eXIf", exif))
    if metadata.xmp is not None:
        chunks.append(_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + metadata.xmp))
    chunks += [_chunk(b"IDAT", zlib.compress(rows, 9)), _chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


# --- WebP -----------------------------------------------------------------------------


class _LsbBitWriter:
    """Bits packed least significant first, as the VP8L and GIF LZW streams want."""

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def write(self, value: int, length: int) -> None:
        self.value |= (value & ((1 << length) - 1)) << self.length
        self.length += length

    def to_bytes(self) -> bytes:
        return self.value.to_bytes((self.length + 7) // 8, "little")


def _vp8l(width: int, height: int, argb: tuple[int, int, int, int]) -> bytes:
    """A lossless WebP bitstream of one colour, with no transforms and no colour cache.

    Each of the five prefix codes is a "simple" code of a single symbol, which takes no
    bits per pixel, so the stream is only its header (WebP Lossless spec, 3.7.2.1.1).
    """
    alpha, red, green, blue = argb
    bits = _LsbBitWriter()
    bits.write(0x2F, 8)  # signature
    bits.write(width - 1, 14)
    bits.write(height - 1, 14)
    bits.write(int(alpha != 255), 1)  # alpha_is_used
    bits.write(0, 3)  # version
    bits.write(0, 1)  # no transform
    bits.write(0, 1)  # no colour cache
    bits.write(0, 1)  # no meta prefix codes
    for symbol in (green, red, blue, alpha, 0):  # the last code is for distances
        bits.write(1, 1)  # simple code
        bits.write(0, 1)  # one symbol
        wide = symbol > 1
        bits.write(int(wide), 1)
        bits.write(symbol, 8 if wide else 1)
    return bits.to_bytes()


def _riff_chunk(fourcc: bytes, data: bytes) -> bytes:
    """A RIFF chunk: FourCC, little-endian size, data padded to an even length."""
    return fourcc + struct.pack("<I", len(data)) + data + b"\x00" * (len(data) % 2)


def webp(metadata: Metadata, exif_header: bool = True) -> bytes:
    """An extended-format WebP: VP8X, a lossless 8 x 8 grey VP8L picture, EXIF, XMP.

    The chunks come in the order the container spec gives. The EXIF chunk holds a TIFF
    stream, after ``Exif\\0\\0`` when ``exif_header`` (the form many encoders write; the
    container spec has the bare TIFF stream).
    """
    width = height = 8
    picture = _vp8l(width, height, (255, 128, 128, 128))
    exif = _exif(metadata, width, height)
    flags = (0x08 if exif is not None else 0) | (0x04 if metadata.xmp is not None else 0)
    header = struct.pack("<B3x", flags) + (width - 1).to_bytes(3, "little")
    header += (height - 1).to_bytes(3, "little")
    chunks = [_riff_chunk(b"VP8X", header), _riff_chunk(b"VP8L", picture)]
    if exif is not None:
        chunks.append(_riff_chunk(b"EXIF", (b"Exif\x00\x00" if exif_header else b"") + exif))
    if metadata.xmp is not None:
        chunks.append(_riff_chunk(b"XMP ", metadata.xmp))
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


# --- GIF ------------------------------------------------------------------------------


def _lzw(indexes: bytes, minimum_size: int) -> bytes:
    """GIF's variable-width LZW code stream (GIF89a Appendix F), packed LSB first."""
    clear, end = 1 << minimum_size, (1 << minimum_size) + 1
    bits = _LsbBitWriter()

    def reset() -> tuple[dict[bytes, int], int, int]:
        return {bytes([i]): i for i in range(clear)}, end + 1, minimum_size + 1

    table, next_code, width = reset()
    bits.write(clear, width)
    prefix = indexes[:1]
    for index in indexes[1:]:
        candidate = prefix + bytes([index])
        if candidate in table:
            prefix = candidate
            continue
        bits.write(table[prefix], width)
        table[candidate] = next_code
        next_code += 1
        if next_code > (1 << width) and width < 12:
            width += 1
        if next_code == 4096:
            bits.write(clear, width)
            table, next_code, width = reset()
        prefix = bytes([index])
    bits.write(table[prefix], width)
    if next_code + 1 > (1 << width) and width < 12:
        width += 1  # the decoder adds a table entry on this last code too
    bits.write(end, width)
    return bits.to_bytes()


def _sub_blocks(data: bytes) -> bytes:
    """GIF data sub-blocks of at most 255 bytes each, ended by an empty block."""
    blocks = [data[start : start + 255] for start in range(0, len(data), 255)]
    return b"".join(bytes([len(block)]) + block for block in blocks) + b"\x00"


def gif(metadata: Metadata) -> bytes:
    """A GIF89a of 8 x 8 pixels in four greys, with XMP in an application extension.

    The XMP packet is written raw after the "XMP DataXMP" identifier, followed by the
    258-byte "magic trailer" that makes GIF readers skip it as sub-blocks (XMP
    specification part 3, 1.1.2).
    """
    width = height = 8
    palette = b"".join(bytes([grey] * 3) for grey in (0, 85, 170, 255))
    screen = struct.pack("<HHBBB", width, height, 0xF1, 0, 0)  # global table of 4 colours
    extensions = b""
    if metadata.xmp is not None:
        trailer = b"\x01" + bytes(range(255, -1, -1)) + b"\x00"
        extensions += b"\x21\xff\x0bXMP DataXMP" + metadata.xmp + trailer
    indexes = bytes((row // 2) for row in range(height) for _ in range(width))
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
    image += b"\x02" + _sub_blocks(_lzw(indexes, 2))
    return b"GIF89a" + screen + palette + extensions + image + b"\x3b"


# --- Hostile and non-image files --------------------------------------------------------


def truncated_jpeg() -> bytes:
    """A JPEG cut off in the middle of its XMP segment (as a broken upload is).

    The EXIF segment before the cut is whole; the XMP packet has no end, and the
    picture itself is missing.
    """
    data = jpeg(
        Metadata(
            artist="Jane Doe",
            copyright="© 2024 Jane Doe",
            xmp=xmp_packet(creator="Jane Doe", rights="© 2024 Jane Doe"),
            byline="Jane Doe",
        )
    )
    start = data.index(_XMP_APP1)
    return data[: start + len(_XMP_APP1) + 200]


def absurd_dimensions_png() -> bytes:
    """A PNG whose IHDR claims 2^31-1 x 2^31-1 pixels (the largest PNG allows) and whose
    IDAT holds a few bytes: a decoder that trusts the header would allocate exabytes."""
    side = 2**31 - 1
    exif = _exif(Metadata(artist="Jane Doe"), side, side, ">")
    assert exif is not None
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        [
            _ihdr(side, side),
            _chunk(b"eXIf", exif),
            _chunk(b"IDAT", zlib.compress(b"\x00" * 64)),
            _chunk(b"IEND", b""),
        ]
    )


def corrupt_exif_offsets_jpeg() -> bytes:
    """A JPEG whose EXIF lies: value offsets and counts far past the segment's end, an
    Exif sub-IFD pointer out of range, and a chain of IFDs that loops back to IFD0."""
    order = ">"
    ifd1_offset = 0x60
    ifd0 = _ifd(
        order,
        8,
        [
            (_TAG_ARTIST, _ASCII, 64, struct.pack(">I", 0x7FFFFFF0)),  # text far past the end
            (_TAG_COPYRIGHT, _ASCII, 0xFFFFFFFF, struct.pack(">I", 0xFFFFFF00)),
            (0x011A, _RATIONAL, 0x3FFFFFFF, struct.pack(">I", 0x10)),  # a billion ratios
            (_TAG_EXIF_IFD, _LONG, 1, struct.pack(">I", 0x7FFFFFFF)),
        ],
        next_ifd=ifd1_offset,
    )
    stream = (_tiff_header(order) + ifd0).ljust(ifd1_offset, b"\x00")
    ifd1 = _ifd(
        order,
        ifd1_offset,
        [
            (0x0201, _LONG, 1, struct.pack(">I", 0xFFFFFFF0)),  # JPEGInterchangeFormat
            (0x0202, _LONG, 1, struct.pack(">I", 0x7FFFFFFF)),  # …and its length
            (_TAG_EXIF_IFD, _LONG, 1, struct.pack(">I", 8)),  # a sub-IFD that is IFD0
        ],
        next_ifd=8,  # IFD1 points back to IFD0: a loop
    )
    stream += ifd1 + struct.pack(">H", 0xFFFF)  # and a directory claiming 65535 entries
    return b"".join(
        [b"\xff\xd8", _segment(0xE1, b"Exif\x00\x00" + stream), *_picture(), b"\xff\xd9"]
    )


def xmp_entity_bomb_jpeg() -> bytes:
    """A JPEG whose XMP packet is preceded by a DOCTYPE declaring a "billion laughs"
    chain of entities (lol1 … lol9, each ten of the one before), used in dc:creator."""
    entities = ['<!ENTITY lol "lol">']
    entities += [
        f'<!ENTITY lol{level} "{("&lol" + (str(level - 1) if level > 1 else "") + ";") * 10}">'
        for level in range(1, 10)
    ]
    doctype = "<!DOCTYPE x:xmpmeta [\n " + "\n ".join(entities) + "\n]>\n"
    packet = (
        f"{_XPACKET_BEGIN}\n"
        + doctype
        + '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        + f' <rdf:RDF xmlns:rdf="{_RDF}">\n'
        + f'  <rdf:Description rdf:about="" xmlns:dc="{_XMP_NAMESPACES["dc"]}">\n'
        + "   <dc:creator><rdf:Seq><rdf:li>&lol9;</rdf:li></rdf:Seq></dc:creator>\n"
        + "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n"
        + _XPACKET_END
    )
    return b"".join(
        [
            b"\xff\xd8",
            _segment(0xE1, _XMP_APP1 + packet.encode("utf-8")),
            *_picture(),
            b"\xff\xd9",
        ]
    )


def zero_bytes() -> bytes:
    """An empty file."""
    return b""


def not_an_image() -> bytes:
    """An HTML error page, as servers send in place of a missing image."""
    return (
        b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
        b"<body><h1>Not Found</h1><p>The requested image was not found.</p></body></html>\n"
    )


# --- Content Credentials (C2PA) ---------------------------------------------------------


@functools.cache
def _signing_identity() -> tuple[bytes, bytes]:
    """A PEM certificate chain (end entity, then its CA) and the end entity's PKCS#8 key.

    Made once per process: a test CA, and an ES256 (P-256) signing certificate that
    meets the C2PA certificate profile (digitalSignature key usage, an email protection
    and document signing extended key usage, not a CA, key identifiers that link it to
    its issuer). The C2PA library refuses self-signed signing certificates.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(common_name: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "GB"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Attribution Tests"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )

    def usage(*, signing: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=signing,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=not signing,
            crl_sign=not signing,
            encipher_only=False,
            decipher_only=False,
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_identifier = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("Attribution Test CA"))
        .issuer_name(name("Attribution Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage(signing=False), critical=True)
        .add_extension(ca_identifier, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("Attribution Test Signer"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(signing=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.EMAIL_PROTECTION, x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_identifier),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    chain = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(
        serialization.Encoding.PEM
    )
    private_key = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return chain, private_key


def _sign(source: bytes, digital_source_type: str) -> bytes:
    """``source`` (a JPEG) signed with a manifest whose c2pa.actions assertion says it
    was created, with the given IPTC digital source type. No timestamp authority."""
    import c2pa

    chain, private_key = _signing_identity()
    manifest = {
        "claim_generator_info": [{"name": "attribution-tests", "version": "1.0"}],
        "title": "picture.jpg",
        "format": "image/jpeg",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {"action": "c2pa.created", "digitalSourceType": digital_source_type}
                    ]
                },
            }
        ],
    }
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, private_key, None)
    signed = io.BytesIO()
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(json.dumps(manifest)) as builder:
        builder.sign(signer, "image/jpeg", io.BytesIO(source), signed)
    return signed.getvalue()


def _scan_span(data: bytes) -> tuple[int, int]:
    """Where the entropy-coded scan of a single-scan JPEG begins and ends."""
    position = 2
    while data[position + 1] != 0xDA:
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    (length,) = struct.unpack(">H", data[position + 2 : position + 4])
    return position + 2 + length, data.rindex(b"\xff\xd9")


def c2pa_signed_jpeg(ai_generated: bool, metadata: Metadata | None = None) -> bytes:
    """A JPEG (with ``metadata``) with Content Credentials whose ``c2pa.created`` action
    declares it made by a trained algorithm (``ai_generated``) or captured by a camera."""
    source = jpeg(metadata or Metadata())
    return _sign(source, AI_SOURCE_TYPE if ai_generated else CAMERA_SOURCE_TYPE)


def c2pa_tampered_jpeg() -> bytes:
    """A signed JPEG whose picture was changed after signing: its scan is replaced by
    that of another picture of the same length, so the manifest's hash no longer fits."""
    signed = c2pa_signed_jpeg(ai_generated=False)
    start, end = _scan_span(signed)
    other = _scan(_OTHER_SHADES)
    if signed[start:end] != _scan(_SHADES) or len(other) != end - start:
        raise AssertionError("the signed file's scan is not the picture that was signed")
    return signed[:start] + other + signed[end:]
