"""What an image file says about itself: EXIF, IPTC IIM, XMP and Content Credentials.

:func:`read_embedded` takes the first bytes of an image (metadata sits at the start of
JPEG, PNG, WebP, TIFF and GIF files) and returns an :class:`~attribution.records.Embedded`
record. It never raises: a file that cannot be read gives a record whose ``problem``
says why. XML is parsed with entity expansion and DTDs refused. Content Credentials
(C2PA) are validated with the C2PA reference library when the whole file is given.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import logging
import re
import struct
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

import exifread
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml_safely

from attribution.imagefiles import (
    Unreadable,
    has_content_credentials,
    jpeg_segments,
    readable_segments,
    sniff_format,
)
from attribution.records import ContentCredentials, Embedded
from attribution.textutil import clean_text, none_if_empty

logging.getLogger("exifread").setLevel(logging.CRITICAL)

MIME_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "avif": "image/avif",
    "heic": "image/heic",
}
AI_SOURCE_TYPES = ("trainedalgorithmicmedia", "compositewithtrainedalgorithmicmedia")
_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "cc": "http://creativecommons.org/ns#",
    "plus": "http://ns.useplus.org/ldf/xmp/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
}
# Copyright strings that come from cameras, editors and colour profiles, not from people.
_NOISE = re.compile(
    r"^(?:copyright\s*)?(?:\(c\)|©)?\s*(?:(?:19|20)\d\d\s*)?(?:international\s+color\s+consortium"
    r"|hewlett[\s-]packard(?:\s+company)?|apple(?:\s+(?:computer|inc\.?))?|adobe\s+systems"
    r"(?:\s+incorporated)?|microsoft(?:\s+corporation)?|google(?:\s+inc\.?)?|eastman\s+kodak"
    r"(?:\s+company)?|public\s+domain|none|unknown|copyright|owner|camera\s+owner)?[\s.,:;]*$",
    re.IGNORECASE,
)
_XMP_START = re.compile(rb"<x:xmpmeta|<x:xapmeta|<rdf:RDF")
_XMP_END = re.compile(rb"</x:xmpmeta>|</x:xapmeta>|</rdf:RDF>(?!\s*</x:x[am]pmeta>)")
MAX_XMP_BYTES = 1024 * 1024


def read_embedded(data: bytes, *, complete: bool = False) -> Embedded:
    """Read the metadata in the first bytes of an image file (or the whole file).

    ``complete`` says that ``data`` is the whole file, which Content Credentials need
    to check that the manifest matches the picture.
    """
    image_format = sniff_format(data)
    digest = hashlib.sha256(data).hexdigest() if data else None
    if image_format is None:
        reason = "empty file" if not data else "not an image (unknown file signature)"
        return Embedded(problem=reason, sha256=digest, bytes_read=len(data))
    fields: dict[str, str] = {}
    problems: list[str] = []
    for reader in (_exif_fields, _iptc_fields, _xmp_fields):
        try:
            for key, value in reader(data, image_format):
                cleaned = _clean_value(key, value)
                if cleaned and key not in fields:
                    fields[key] = cleaned
        except Unreadable as error:
            problems.append(str(error))
        except Exception as error:  # hostile files break parsers in many ways
            problems.append(
                f"{reader.__name__.strip('_').replace('_', ' ')}: {type(error).__name__}"
            )
    credentials = None
    if has_content_credentials(data, image_format):
        credentials = read_content_credentials(data, image_format, complete=complete)
    return Embedded(
        format=image_format,
        creator=fields.get("creator"),
        copyright=fields.get("copyright"),
        credit=fields.get("credit"),
        source=fields.get("source"),
        caption=fields.get("caption"),
        licence_url=fields.get("licence_url"),
        usage_terms=fields.get("usage_terms"),
        web_statement=fields.get("web_statement"),
        attribution_name=fields.get("attribution_name"),
        licensor=fields.get("licensor"),
        digital_source_type=fields.get("digital_source_type"),
        content_credentials=credentials,
        problem="; ".join(problems) or None,
        sha256=digest,
        bytes_read=len(data),
    )


def _clean_value(key: str, value: str) -> str | None:
    text = none_if_empty(value.replace("\x00", " "))
    if text is None or len(text) > 2000:
        return None
    if key in {"creator", "copyright", "credit", "source"} and _NOISE.match(text):
        return None
    return text


# --- EXIF -----------------------------------------------------------------------------

_EXIF_TAGS = {
    "Image Artist": "creator",
    "Image Copyright": "copyright",
    "Image ImageDescription": "caption",
}


def _exif_fields(data: bytes, image_format: str) -> Iterator[tuple[str, str]]:
    tiff = _exif_block(data, image_format)
    if tiff is None:
        return
    tags = exifread.process_file(io.BytesIO(tiff), details=False, debug=False)
    # exifread counts its offsets from the TIFF header: the start of the block it is
    # given, except for HEIC and AVIF, which it is given whole.
    stream = tiff if image_format not in ("heic", "avif") else None
    for name, key in _EXIF_TAGS.items():
        tag = tags.get(name)
        value = _exif_text(tag, stream) if tag is not None else None
        if value:
            yield key, value


# The EXIF field types text can be written in: BYTE, ASCII, UNDEFINED.
_TEXT_FIELD_TYPES = frozenset({1, 2, 7})


def _exif_text(tag: Any, stream: bytes | None) -> str | None:
    """The text of an EXIF text tag, never the repr of its bytes ("b'\\xff…'").

    exifread gives text it could decode as UTF-8; otherwise its bytes (cut at the first
    NUL) or a list of byte values, which are decoded here: from the field's own bytes in
    the file when they can be found (a UTF-16 text has NULs in it), else from what
    exifread read. Fields of number types are not text: None.
    """
    if int(tag.field_type) not in _TEXT_FIELD_TYPES:
        return None
    values = tag.values
    raw: bytes | None = None
    if stream is not None and 0 <= tag.field_offset < len(stream) and tag.field_length > 0:
        raw = stream[tag.field_offset : tag.field_offset + tag.field_length]
    if isinstance(values, str) and not (raw and raw.startswith(_UTF16_BOMS)):
        return values
    if raw is None:
        if isinstance(values, bytes):
            raw = values
        elif isinstance(values, list) and all(isinstance(v, int) and 0 <= v < 256 for v in values):
            raw = bytes(values)
        else:
            return None
    return decode_text(raw)


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode_text(raw: bytes) -> str:
    """Text from the bytes of a metadata field whose encoding is not declared: UTF-16
    when it starts with a byte-order mark, else UTF-8, else Windows-1252, else Latin-1.
    The text ends at its first NUL (EXIF ends its strings with one)."""
    if raw.startswith(_UTF16_BOMS):
        return raw.decode("utf-16", errors="replace").split("\x00", 1)[0]
    raw = raw.split(b"\x00", 1)[0]
    for encoding in ("utf-8", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _exif_block(data: bytes, image_format: str) -> bytes | None:
    """The EXIF data (a TIFF stream) of a file, found by walking its container.

    exifread is handed the TIFF stream itself: it looks for EXIF only near the start
    of a JPEG (a large Content Credentials segment pushes it further) and reads WebP
    EXIF chunks only when they begin with the optional ``Exif\0\0`` header.
    """
    if image_format == "tiff":
        return data
    if image_format == "jpeg":
        for segment in readable_segments(data, 0xE1):
            if segment.startswith(b"Exif\x00\x00"):
                return segment[6:]
        return None
    if image_format == "webp":
        block = next((body for name, body in _riff_chunks(data) if name == b"EXIF"), None)
        return block[6:] if block is not None and block.startswith(b"Exif\x00\x00") else block
    if image_format == "png":
        return next((body for name, body in _png_chunks(data) if name == b"eXIf"), None)
    if image_format in ("heic", "avif"):
        return data  # exifread walks the ISO media boxes itself
    return None


def _riff_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(four-character code, payload) of each chunk of a RIFF (WebP) file."""
    position = 12
    while position + 8 <= len(data):
        name = data[position : position + 4]
        (size,) = struct.unpack("<I", data[position + 4 : position + 8])
        yield name, data[position + 8 : position + 8 + size]
        position += 8 + size + size % 2  # chunks are padded to an even length


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(chunk type, payload) of each chunk of a PNG file, up to the image data."""
    position = 8
    while position + 8 <= len(data):
        (size,) = struct.unpack(">I", data[position : position + 4])
        name = data[position + 4 : position + 8]
        if name in (b"IDAT", b"IEND"):
            return
        yield name, data[position + 8 : position + 8 + size]
        position += 12 + size


# --- IPTC IIM -------------------------------------------------------------------------

_IIM_DATASETS = {80: "creator", 110: "credit", 115: "source", 116: "copyright", 120: "caption"}


def _iptc_fields(data: bytes, image_format: str) -> Iterator[tuple[str, str]]:
    if image_format != "jpeg":
        return
    for segment in jpeg_segments(data, 0xED):
        if not segment.startswith(b"Photoshop 3.0\x00"):
            continue
        for resource_id, payload in _photoshop_resources(segment[14:]):
            if resource_id == 0x0404:
                yield from _iim_records(payload)


def _photoshop_resources(block: bytes) -> Iterator[tuple[int, bytes]]:
    position = 0
    while position + 12 <= len(block) and block[position : position + 4] == b"8BIM":
        resource_id = struct.unpack(">H", block[position + 4 : position + 6])[0]
        name_length = block[position + 6]
        position += 7 + name_length
        position += position % 2  # the Pascal name is padded to an even length
        if position + 4 > len(block):
            return
        (size,) = struct.unpack(">I", block[position : position + 4])
        position += 4
        yield resource_id, block[position : position + size]
        position += size + size % 2


def _iim_records(payload: bytes) -> Iterator[tuple[str, str]]:
    position = 0
    while position + 5 <= len(payload) and payload[position] == 0x1C:
        record, dataset = payload[position + 1], payload[position + 2]
        (size,) = struct.unpack(">H", payload[position + 3 : position + 5])
        if size & 0x8000:
            raise Unreadable("IPTC: extended dataset sizes are not supported")
        value = payload[position + 5 : position + 5 + size]
        position += 5 + size
        key = _IIM_DATASETS.get(dataset) if record == 2 else None
        if key:
            try:
                yield key, value.decode("utf-8")
            except UnicodeDecodeError:
                yield key, value.decode("latin-1")


# --- XMP ------------------------------------------------------------------------------


def _xmp_fields(data: bytes, image_format: str) -> Iterator[tuple[str, str]]:
    packet = _xmp_packet(data)
    if packet is None:
        return
    try:
        root = parse_xml_safely(packet, forbid_dtd=True)
    except DefusedXmlException:
        raise Unreadable("XMP: refused a packet with a DTD or entity declarations") from None
    except Exception as error:
        raise Unreadable(f"XMP: not well-formed XML ({type(error).__name__})") from None
    description_values = {
        "creator": _xmp_list(root, "dc:creator"),
        "copyright": _xmp_list(root, "dc:rights"),
        "credit": _xmp_simple(root, "photoshop:Credit"),
        "source": _xmp_simple(root, "photoshop:Source"),
        "caption": _xmp_list(root, "dc:description"),
        "web_statement": _xmp_simple(root, "xmpRights:WebStatement"),
        "usage_terms": _xmp_list(root, "xmpRights:UsageTerms"),
        "licence_url": _xmp_simple(root, "cc:license"),
        "attribution_name": _xmp_simple(root, "cc:attributionName"),
        "licensor": _xmp_licensor(root),
        "digital_source_type": _xmp_simple(root, "Iptc4xmpExt:DigitalSourceType"),
    }
    for key, value in description_values.items():
        if value:
            yield key, value


def _xmp_packet(data: bytes) -> bytes | None:
    start = _XMP_START.search(data)
    if start is None:
        return None
    end = _XMP_END.search(data, start.start(), start.start() + MAX_XMP_BYTES)
    if end is None:
        raise Unreadable("XMP: packet is cut off or larger than 1 MiB")
    # A DOCTYPE (an entity bomb) sits before the packet: keep it so that it is refused.
    doctype = data.rfind(b"<!DOCTYPE", max(0, start.start() - 4096), start.start())
    begin = doctype if doctype != -1 else start.start()
    return data[begin : end.end()]


def _qualified(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def _find(root: Element, name: str) -> Iterator[Element | str]:
    """Elements named ``name``, and attribute values of that name on rdf:Description."""
    qualified = _qualified(name)
    for description in root.iter(_qualified("rdf:Description")):
        attribute = description.get(qualified)
        if attribute is not None:
            yield attribute
    yield from root.iter(qualified)


def _xmp_simple(root: Element, name: str) -> str | None:
    for found in _find(root, name):
        if isinstance(found, str):
            return found
        resource = found.get(_qualified("rdf:resource"))
        text = resource or "".join(found.itertext())
        if text.strip():
            return text
    return None


def _xmp_list(root: Element, name: str) -> str | None:
    for found in _find(root, name):
        if isinstance(found, str):
            return found
        items = [clean_text("".join(li.itertext())) for li in found.iter(_qualified("rdf:li"))]
        items = [item for item in items if item]
        if items:
            return ", ".join(dict.fromkeys(items))
        text = clean_text("".join(found.itertext()))
        if text:
            return text
    return None


def _xmp_licensor(root: Element) -> str | None:
    names = [
        clean_text("".join(element.itertext()))
        for element in root.iter(_qualified("plus:LicensorName"))
    ]
    names += [
        value
        for description in root.iter(_qualified("rdf:Description"))
        if (value := description.get(_qualified("plus:LicensorName")))
    ]
    names = [name for name in names if name]
    return ", ".join(dict.fromkeys(names)) or None


# --- Content Credentials (C2PA) ---------------------------------------------------------


def read_content_credentials(
    data: bytes, image_format: str, *, complete: bool
) -> ContentCredentials:
    """Validate a C2PA manifest store with the reference library, and read what it says."""
    if not complete:
        return ContentCredentials(
            present=True, problem="not validated: only the file's head was read"
        )
    try:
        import c2pa  # the reference implementation; its native library loads on first use
    except ImportError:
        return ContentCredentials(present=True, problem="not validated: c2pa library unavailable")
    try:
        reader = c2pa.Reader(MIME_TYPES.get(image_format, "image/jpeg"), io.BytesIO(data))
        store = json.loads(reader.json())
    except Exception as error:
        return ContentCredentials(
            present=True, valid=False, problem=clean_text(f"unreadable manifest: {error}")
        )
    manifest = store.get("manifests", {}).get(store.get("active_manifest", ""), {})
    # What a manifest says is the file's to say: its strings are cleaned like any text.
    statuses = [
        clean_text(str(s.get("code", ""))) for s in store.get("validation_status", []) or []
    ]
    failures = [code for code in statuses if not _is_trust_only(code)]
    return ContentCredentials(
        present=True,
        valid=not failures,
        ai_generated=_declares_ai(manifest),
        issuer=_text((manifest.get("signature_info") or {}).get("issuer")),
        claim_generator=_text(_claim_generator(manifest)),
        statuses=tuple(statuses),
    )


def _text(value: object) -> str | None:
    return none_if_empty(value) if isinstance(value, str) else None


def _is_trust_only(code: str) -> bool:
    """Statuses about who signed (not on a trust list), not about tampering."""
    return code.startswith(("signingCredential.untrusted", "signingCredential.ocsp"))


def _claim_generator(manifest: dict[str, object]) -> str | None:
    generator = manifest.get("claim_generator")
    if isinstance(generator, str):
        return generator
    info = manifest.get("claim_generator_info")
    if isinstance(info, list) and info and isinstance(info[0], dict):
        name = info[0].get("name")
        return str(name) if name else None
    return None


def _declares_ai(manifest: dict[str, object]) -> bool:
    assertions = manifest.get("assertions")
    if not isinstance(assertions, list):
        return False
    for assertion in assertions:
        if not isinstance(assertion, dict) or not str(assertion.get("label", "")).startswith(
            "c2pa.actions"
        ):
            continue
        data = assertion.get("data")
        actions = data.get("actions", []) if isinstance(data, dict) else []
        for action in actions if isinstance(actions, list) else []:
            source = str(action.get("digitalSourceType", "")) if isinstance(action, dict) else ""
            if source.lower().rsplit("/", 1)[-1] in AI_SOURCE_TYPES:
                return True
    return False


def declares_ai(embedded: Embedded) -> bool:
    """Whether the file declares generative AI (C2PA actions or XMP DigitalSourceType)."""
    source = (embedded.digital_source_type or "").lower().rsplit("/", 1)[-1]
    credentials = embedded.content_credentials
    return source in AI_SOURCE_TYPES or bool(credentials and credentials.ai_generated)
