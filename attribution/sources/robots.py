"""robots.txt, as RFC 9309 and Google read it, over Protego (Scrapy's parser).

Which group of rules applies is decided by the product token of the user agent
(``attribution`` in ``attribution/0.1 (…)``), as the RFC asks. What lies past the first
500 KiB is ignored, as Google ignores it (the RFC asks crawlers to read at least that
much). An answer other than a robots.txt has a meaning of its own
(:meth:`RobotsRules.for_status`).
"""

from __future__ import annotations

import math
import re
from urllib.parse import urljoin, urlsplit

from protego import Protego

from attribution.errors import UsageError
from attribution.sources.filters import absolute_http_url

MAX_ROBOTS_BYTES = 500 * 1024
_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")


class RobotsRules:
    """The rules of one site's robots.txt: which URLs a user agent may fetch, how long to
    wait between fetches, and the sitemaps it names. Not changed once made."""

    __slots__ = ("_everything", "_notes", "_parser", "_sitemaps")

    def __init__(
        self,
        parser: Protego | None = None,
        *,
        everything: bool = True,
        sitemaps: tuple[str, ...] = (),
        notes: tuple[str, ...] = (),
    ) -> None:
        """Rules read by ``parser``; without one, every URL is allowed (``everything``
        True) or none is. Made by :meth:`parse`, :meth:`allow_all`, :meth:`disallow_all`
        or :meth:`for_status` rather than directly."""
        self._parser = parser
        self._everything = everything
        self._sitemaps = sitemaps
        self._notes = notes

    @classmethod
    def parse(cls, body: bytes, url: str) -> RobotsRules:
        """The rules of the robots.txt ``body`` read from ``url`` (which relative sitemap
        URLs are resolved against). Read as UTF-8 (what is not UTF-8 is replaced) up to
        ``MAX_ROBOTS_BYTES``; lines that are not rules are ignored, so anything
        (an HTML page, binary data) gives some rules, at worst none: all allowed."""
        notes: tuple[str, ...] = ()
        if len(body) > MAX_ROBOTS_BYTES:
            body = body[:MAX_ROBOTS_BYTES]
            notes = (
                f"robots.txt is larger than {MAX_ROBOTS_BYTES // 1024} KiB: "
                "what lies past it is ignored",
            )
        text = body.decode("utf-8", "replace").removeprefix("\ufeff")
        parser = Protego.parse(text)
        sitemaps: list[str] = []
        for listed in parser.sitemaps:
            address = absolute_http_url(_joined(url, listed))
            if address is not None and address not in sitemaps:
                sitemaps.append(address)
        return cls(parser, sitemaps=tuple(sitemaps), notes=notes)

    @classmethod
    def allow_all(cls) -> RobotsRules:
        """Rules that allow every URL (no robots.txt)."""
        return cls(everything=True)

    @classmethod
    def disallow_all(cls) -> RobotsRules:
        """Rules that allow no URL (but robots.txt itself)."""
        return cls(everything=False)

    @classmethod
    def for_status(cls, status: int) -> RobotsRules:
        """The rules when robots.txt answered HTTP ``status`` instead of a body (RFC 9309,
        2.3.1): a 4xx means there are none, so everything is allowed; a 5xx (and 429 Too
        Many Requests, which Google reads as one) means the server cannot say, so nothing
        is; a redirect left unfollowed (more than five in a row) is like a 4xx.

        Raises :class:`UsageError` for a 2xx (read its body with :meth:`parse`) and for a
        number that is not an HTTP status.
        """
        if status == 429 or 500 <= status <= 599:
            return cls.disallow_all()
        if 300 <= status <= 499:
            return cls.allow_all()
        if 200 <= status <= 299:
            raise UsageError(f"robots.txt answered {status}: read its body with parse()")
        raise UsageError(f"{status} is not an HTTP status for robots.txt")

    def allows(self, url: str, user_agent: str) -> bool:
        """Whether ``user_agent`` may fetch ``url``; robots.txt itself always may, and a
        URL that cannot be read as one (``https://[::1/``) never does."""
        try:
            if urlsplit(url).path == "/robots.txt":
                return True
            if self._parser is None:
                return self._everything
            return self._parser.can_fetch(url, product_token(user_agent))
        except ValueError:
            return False

    def crawl_delay(self, user_agent: str) -> float | None:
        """The seconds ``user_agent`` is asked to wait between two fetches: the larger of
        its Crawl-delay and its Request-rate (as seconds a request); None when robots.txt
        asks neither."""
        if self._parser is None:
            return None
        token = product_token(user_agent)
        delays = []
        delay = self._parser.crawl_delay(token)
        if delay is not None:
            delays.append(float(delay))
        rate = self._parser.request_rate(token)
        if rate is not None and rate.requests > 0:
            delays.append(rate.seconds / rate.requests)
        delays = [delay for delay in delays if math.isfinite(delay) and delay >= 0]
        return max(delays) if delays else None

    def sitemaps(self) -> tuple[str, ...]:
        """The sitemaps robots.txt names, as absolute http(s) URLs, each once, in order."""
        return self._sitemaps

    @property
    def notes(self) -> tuple[str, ...]:
        """What was left out of robots.txt (what lies past its first 500 KiB)."""
        return self._notes


def product_token(user_agent: str) -> str:
    """The product token of a user agent, the name robots.txt groups are matched
    against (RFC 9309: letters, ``_`` and ``-``): ``attribution`` for
    ``attribution/0.1 (…)``. The user agent itself when it does not start with one."""
    text = user_agent.strip()
    match = _PRODUCT_TOKEN.match(text)
    return match.group() if match else text


def _joined(base: str, listed: str) -> str:
    try:
        return urljoin(base, listed.strip())
    except ValueError:
        return listed
