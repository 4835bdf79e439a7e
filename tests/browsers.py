"""What the browser tests share: whether Playwright and Debian's Chromium can be had
(the tests skip with the reason when not), one Chromium per module, and the folder
where screenshots and PDFs are kept (``test-artifacts/``, or the folder
``ATTRIBUTION_TEST_ARTIFACTS`` names)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from attribution.errors import ConfigError
from attribution.fetch.browser import find_chromium

ROOT = Path(__file__).resolve().parent.parent


def browser_unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]')"
    try:
        find_chromium()
    except ConfigError as error:
        return str(error)
    return None


def needs_browser(what: str) -> pytest.MarkDecorator:
    """The mark that skips a module's tests, naming ``what`` they are, where no browser
    can be had."""
    reason = browser_unavailable()
    return pytest.mark.skipif(reason is not None, reason=f"{what} skipped: {reason}")


def artefacts() -> Path:
    """The folder of the tests' screenshots and PDFs."""
    folder = Path(os.environ.get("ATTRIBUTION_TEST_ARTIFACTS", ROOT / "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def launched_chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, until the generator is closed."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=find_chromium())
        yield chromium
        chromium.close()
