"""The one place that wires the stages together: fetch → extract → credits → rules."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from attribution.credits import parse_credit
from attribution.errors import TargetError, UsageError
from attribution.extract import extract_page
from attribution.fetch import FetchSettings, fetch_page, make_session
from attribution.licences import KnowledgeBase, default_knowledge_base
from attribution.records import ImageResult, PageResult, Profile
from attribution.rules import check_image

MAX_FILE_BYTES = 10 * 1024 * 1024


def check_html(
    html: str | bytes,
    base_url: str,
    profile: Profile | None = None,
    *,
    encoding: str | None = None,
    kb: KnowledgeBase | None = None,
    today: date | None = None,
) -> PageResult:
    """Check one page's HTML: extract images, parse credits, apply the rules.

    ``today`` is the date against which rights-register agreements are checked.
    """
    profile = profile or Profile()
    kb = kb or default_knowledge_base()
    page = extract_page(html, base_url, encoding)
    results = []
    for image in page.images:
        credit = parse_credit(image.credit, image.credit_links, kb) if image.credit else None
        findings = check_image(image, credit, profile, kb, today)
        results.append(ImageResult(image, credit, findings))
    return PageResult(url=page.url, title=page.title, images=tuple(results))


@dataclass(frozen=True)
class TargetOutcome:
    """A checked page, or the reason the target could not be checked."""

    target: str
    result: PageResult | None = None
    error: TargetError | None = None


def is_url(target: str) -> bool:
    """Whether a command-line target is an http(s) URL rather than a file."""
    return target.lower().startswith(("http://", "https://"))


def check_targets(
    targets: list[str],
    profile: Profile | None = None,
    *,
    base_url: str | None = None,
    settings: FetchSettings | None = None,
    on_done: Callable[[TargetOutcome], None] | None = None,
) -> list[TargetOutcome]:
    """Check URLs, HTML files and ``-`` (stdin); one failure does not stop the rest."""
    settings = settings or FetchSettings()
    if "-" in targets and not base_url:
        raise UsageError("reading a page from stdin ('-') needs --base-url URL")
    outcomes: list[TargetOutcome] = []
    with make_session(settings) as session:
        for target in targets:
            try:
                if is_url(target):
                    fetched = fetch_page(target, settings, session)
                    result = check_html(
                        fetched.body, fetched.url, profile, encoding=fetched.charset
                    )
                else:
                    html, url = _read_local(target, base_url)
                    result = check_html(html, url, profile)
                outcome = TargetOutcome(target, result=result)
            except TargetError as error:
                outcome = TargetOutcome(target, error=error)
            outcomes.append(outcome)
            if on_done is not None:
                on_done(outcome)
    return outcomes


def _read_local(target: str, base_url: str | None) -> tuple[bytes, str]:
    if target == "-":
        return sys.stdin.buffer.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES], base_url or ""
    path = Path(target)
    try:
        if path.is_dir():
            raise TargetError(target, "is a directory, not an HTML file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TargetError(target, f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise TargetError(
            target,
            "no such file (give a URL starting with http:// or https://, "
            "an HTML file, or - for stdin)",
        ) from None
    except OSError as error:
        raise TargetError(target, f"cannot be read ({error.strerror})") from None
    return data, base_url or path.resolve().as_uri()
