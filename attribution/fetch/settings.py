"""Every setting that governs how attribution talks to web servers, in one record.

This module imports nothing heavy, so callers can hold settings without loading the
HTTP stack.
"""

from __future__ import annotations

from dataclasses import dataclass

from attribution import __version__


@dataclass(frozen=True)
class FetchSettings:
    """Every setting that governs how attribution talks to web servers.

    ``total_timeout`` bounds each fetch from the name lookup to the last byte; a caller
    may also give a fetch an earlier deadline (a page's time budget).
    """

    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_redirects: int = 5
    max_page_bytes: int = 10 * 1024 * 1024
    retries: int = 1
    user_agent: str = f"attribution/{__version__} (media attribution and licence checker)"
    image_head_bytes: int = 256 * 1024
    max_image_bytes: int = 25 * 1024 * 1024
    image_workers: int = 4
    # Pages fetched at once from one host when several pages are checked at once.
    max_per_host: int = 4
    # Hosts that may be reached at private addresses (loopback, private networks,
    # link-local) whatever page names them: the internal hosts a profile lists.
    allowed_hosts: tuple[str, ...] = ()
    # Whether the host the user names as the target may itself be private (a preview
    # server); false for a server that checks pages for others. See
    # :mod:`attribution.fetch.policy`.
    private_targets: bool = True
