"""The inputs of a fuzz run: real pages from ``../shared/realpages`` (whole, or a window
around a picture) and generated pages, mutated; each input is a pure function of
(seed, index), so that the same seed gives the same inputs."""

from __future__ import annotations

import gzip
import json
import os
import random
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .generate import BASE_URLS, generate_document, generate_tiny
from .mutators import MUTATORS, mutate

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The labelled real pages live beside the project, never inside it.
DEFAULT_REALPAGES = PROJECT_ROOT.parent / "shared" / "realpages"
# Where a page states no address of its own (as ../shared/realpages/score.py does).
PLACEHOLDER_URL = "https://page.invalid/article.html"

SOURCES = ("mixed", "real", "generated")

# Largest input a chain of mutations may produce.
MAX_INPUT = 16 * 1024 * 1024


@dataclass(frozen=True)
class RealPage:
    """A saved real page and the address it was published at."""

    id: str
    html: bytes
    base_url: str


@dataclass(frozen=True)
class FuzzInput:
    """One input: the page's bytes, the address it is checked as, the character set a
    server declared for it (None: none), and how it was made."""

    seed: int
    index: int
    data: bytes
    base_url: str
    recipe: str
    mutations: tuple[str, ...]
    encoding: str | None = None

    @property
    def key(self) -> str:
        return f"{self.seed}:{self.index}"


def realpages_root() -> Path:
    """The folder of real pages (``ATTRIBUTION_REALPAGES`` overrides the default)."""
    override = os.environ.get("ATTRIBUTION_REALPAGES")
    return Path(override) if override else DEFAULT_REALPAGES


def realpages_missing(root: Path | None = None) -> str | None:
    """Why the real pages cannot be used, or None when they can."""
    root = root or realpages_root()
    if not (root / "pages.jsonl").is_file():
        return f"the real pages are not there ({root}/pages.jsonl is missing)"
    return None


@cache
def load_realpages(root: Path | None = None) -> tuple[RealPage, ...]:
    """Every real page with its base URL (sorted by id, so that choices are stable)."""
    root = root or realpages_root()
    pages = []
    with (root / "pages.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            path = root / row["file"]
            if not path.is_file():
                continue
            raw = path.read_bytes()
            html = gzip.decompress(raw) if path.suffix == ".gz" else raw
            pages.append(RealPage(row["id"], html, row.get("base_url") or PLACEHOLDER_URL))
    return tuple(sorted(pages, key=lambda page: page.id))


_ANCHORS = re.compile(
    rb"<(?:img|figure|picture|amp-img)\b|application/ld\+json|og:image", re.IGNORECASE
)


def window(html: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A slice of 8-64 KiB of a page around a picture (or anywhere when it shows none),
    cut at arbitrary bytes; and a description of it."""
    size = int(8192 * 8 ** rng.random())
    if len(html) <= size:
        return html, "whole"
    anchors = [m.start() for m in _ANCHORS.finditer(html)]
    centre = rng.choice(anchors) if anchors else rng.randrange(len(html))
    start = max(0, min(len(html) - size, centre - rng.randint(0, size)))
    return html[start : start + size], f"window@{start}+{size}"


_MUTATION_NAMES = tuple(sorted(MUTATORS))

# The charset parameter of a hostile server's Content-Type header.
SERVER_CHARSETS = (
    "utf-8",
    "UTF8",
    "utf-16",
    "utf-16le",
    "utf-32",
    "iso-8859-1",
    "windows-1252",
    "shift_jis",
    "x-user-defined",
    "utf-7",
    "cp037",
    "bogus",
    "",
    " ",
    "utf\x00-8",
    "\x00",
    "a" * 1000,
    "base64",
    "rot13",
    "zlib",
    "idna",
    "unicode_escape",
    "utf-8-sig",
    "undefined",
    "utf-8\r\n",
)


def server_charset(seed: int, index: int) -> str | None:
    """The charset a server declares with input ``index`` (one input in twenty; drawn
    apart from the page, so that adding it left every page as it was)."""
    rng = random.Random(f"attribution-fuzz-charset:{seed}:{index}")
    return rng.choice(SERVER_CHARSETS) if rng.random() < 0.05 else None


# The mutations that make big or deep pages: each input with one costs a fixed checker
# up to seconds, so a quick run may keep fewer of them (``heavy_share``).
HEAVY = frozenset(
    {
        "many_images",
        "duplicate_tag",
        "nest_spans",
        "nest_divs",
        "nest_tables",
        "nest_mixed",
        "nest_in_figcaption",
        "huge_attribute",
        "huge_srcset",
        "huge_jsonld",
    }
)
_LIGHT_NAMES = tuple(name for name in _MUTATION_NAMES if name not in HEAVY)


def _mutation_plan(rng: random.Random, heavy_share: float = 1.0) -> list[str]:
    count = rng.choices((0, 1, 2, 3), weights=(10, 50, 30, 10))[0]
    plan = []
    for _ in range(count):
        name = rng.choice(_MUTATION_NAMES)
        # (no draw at all when every heavy mutation is kept: the inputs of a seed stay)
        if name in HEAVY and heavy_share < 1.0 and rng.random() >= heavy_share:
            name = rng.choice(_LIGHT_NAMES)
        plan.append(name)
    return plan


def make_input(
    seed: int,
    index: int,
    source: str = "mixed",
    realpages: tuple[RealPage, ...] = (),
    heavy_share: float = 1.0,
) -> FuzzInput:
    """The input number ``index`` of the run with ``seed`` (``source``: "real",
    "generated" or "mixed"; real pages are used only when ``realpages`` are given).
    ``heavy_share`` is the share of the heavy mutations drawn that are kept (the others
    are replaced by light ones)."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
    rng = random.Random(f"attribution-fuzz:{seed}:{index}")
    use_real = bool(realpages) and (source == "real" or (source == "mixed" and rng.random() < 0.7))
    if source == "real" and not realpages:
        raise ValueError("source 'real' needs the real pages")
    if use_real:
        page = rng.choice(realpages)
        if rng.random() < 0.05:
            data, where = page.html, "whole"
        else:
            data, where = window(page.html, rng)
        base_url = page.base_url
        origin = f"real:{page.id}:{where}"
    elif rng.random() < 0.1:
        data, base_url, origin = generate_tiny(rng), rng.choice(BASE_URLS), "tiny"
    else:
        data, base_url, origin = generate_document(rng), rng.choice(BASE_URLS), "generated"
    data, applied = mutate(data, rng, _mutation_plan(rng, heavy_share), limit=MAX_INPUT)
    encoding = server_charset(seed, index)
    served = [f"served as charset={encoding[:20]!r}"] if encoding is not None else []
    recipe = " | ".join([origin, *applied, *served])
    return FuzzInput(seed, index, data, base_url, recipe, tuple(applied), encoding)
