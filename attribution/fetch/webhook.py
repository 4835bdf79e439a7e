"""Posting a JSON document to a webhook: how a scan's alerts reach a chat or a monitor.

The POST goes through the same guarded session as every fetch
(:func:`~attribution.fetch.session.make_session`): one deadline from the name lookup to
the answer (``total_timeout``, with its watchdog), every address checked with the
policy of :mod:`attribution.fetch.policy`. The operator named the webhook, so its host
may be private like a target's (``AddressPolicy.for_target``); any other host is held
to the policy as a page's images are.

- **Redirects are not followed.** A 301, 302 or 303 would turn the POST into a GET and
  lose the document, and following a 307 or 308 would send the findings wherever the
  receiver points; a webhook's address is configured once, so a redirect is reported
  as a failure that names where it points, for the operator to configure instead.
- **Retries**: a refused connection is tried again ``retries`` times (nothing was
  sent); an answer 429 or 503 (the receiver says it did not take the document) is
  asked again ``retries`` times, after its ``Retry-After`` when that is at most
  :data:`~attribution.fetch.session.MAX_RETRY_WAIT` seconds and within the deadline.
  Any other answer is not repeated: a receiver that may have taken the document would
  post it twice.
- **Secrets**: a webhook's address is often its credential (a Slack webhook's path),
  so errors name it as :func:`shown_url` shows it: its scheme, host and port only.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from attribution.errors import FetchError
from attribution.fetch.policy import FOLLOWED_SCHEMES, AddressPolicy
from attribution.fetch.session import (
    MAX_RETRY_WAIT,
    caused_by_timeout,
    fetch_deadline,
    make_session,
    retry_after_seconds,
    root_cause,
)
from attribution.fetch.transport import Fetch

if TYPE_CHECKING:
    from attribution.fetch.settings import FetchSettings

RETRIED_STATUSES = frozenset({429, 503})
# How much of an error answer's body is quoted in the error (Slack says why in it).
QUOTED_BYTES = 200


def shown_url(url: str) -> str:
    """``url`` as errors and logs show a webhook: scheme, host and port, and "/…" for
    the path, query and user name that may hold its secret."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        port = ""
    hidden = parts.path not in ("", "/") or parts.query or parts.username or parts.fragment
    return f"{parts.scheme}://{host}{port}" + ("/…" if hidden else "/")


def post_json(url: str, payload: Any, settings: FetchSettings) -> None:
    """POST ``payload`` as JSON (UTF-8, ``Content-Type: application/json``) to the
    webhook at ``url`` and check that it answered 2xx.

    Raises :class:`FetchError` for :func:`shown_url` ``(url)`` with one line that says
    why: a URL that is not http or https, an unreachable or refused host, a private
    address the policy refuses, a redirect, an answer other than 2xx (with the start of
    its body), or no answer within ``total_timeout``.
    """
    shown = shown_url(url)
    if urlsplit(url).scheme.lower() not in FOLLOWED_SCHEMES or not urlsplit(url).hostname:
        raise FetchError(shown, "a webhook's address must be an http or https URL")
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    session = make_session(settings)
    try:
        _post(url, body, settings, session)
    except FetchError as error:
        raise FetchError(shown, _without(error.reason, url)) from None
    finally:
        session.close()


def _post(url: str, body: bytes, settings: FetchSettings, session: requests.Session) -> None:
    end, _ = fetch_deadline(settings, None)
    fetch = Fetch(url, AddressPolicy.for_target(settings, url), end, budget=False)
    fetch.start()
    try:
        retries = 0
        while True:
            response = _send(fetch, body, settings, session)
            try:
                if 200 <= response.status_code < 300:
                    return
                if response.status_code in RETRIED_STATUSES and retries < settings.retries:
                    wait = _retry_wait(response, retries, fetch.remaining())
                    if wait is not None:
                        retries += 1
                        time.sleep(wait)
                        continue
                raise FetchError(url, _refusal(response, fetch, settings))
            finally:
                response.close()
    finally:
        fetch.stop()


def _send(
    fetch: Fetch, body: bytes, settings: FetchSettings, session: requests.Session
) -> requests.Response:
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/*;q=0.5"}
    try:
        with fetch.active():
            response = session.post(
                fetch.requested,
                data=body,
                headers=headers,
                stream=True,
                allow_redirects=False,
                timeout=(settings.connect_timeout, settings.read_timeout),
            )
    except requests.RequestException as error:
        raise FetchError(fetch.requested, _describe(error, fetch, settings)) from None
    if fetch.expired.is_set():  # headers cut short by the watchdog can look complete
        response.close()
        raise FetchError(fetch.requested, _too_slow(settings))
    return response


def _refusal(response: requests.Response, fetch: Fetch, settings: FetchSettings) -> str:
    """Why the webhook did not take the document, in one line."""
    status = f"HTTP {response.status_code} {response.reason or ''}".rstrip()
    if response.is_redirect:
        location = response.headers.get("Location", "")
        return (
            f"the webhook answered {status}, a redirect to {shown_url(location)} "
            "(redirects are not followed for a webhook: configure the address it points to)"
        )
    quoted = _quoted_body(response, fetch)
    if fetch.expired.is_set():
        return f"the webhook answered {status}, then {_too_slow(settings)}"
    return f"the webhook answered {status}" + (f": {quoted}" if quoted else "")


def _quoted_body(response: requests.Response, fetch: Fetch) -> str:
    """The start of an error answer's body as one printable line (may be empty)."""
    data = b""
    try:
        for chunk in response.iter_content(chunk_size=QUOTED_BYTES):
            data += chunk
            if len(data) >= QUOTED_BYTES or fetch.expired.is_set():
                break
    except Exception:  # a broken body only loses the quote, not the error
        pass
    text = data[:QUOTED_BYTES].decode("utf-8", "replace")
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text[:QUOTED_BYTES]


def _retry_wait(response: requests.Response, retries: int, remaining: float) -> float | None:
    """How long to wait before posting again (the receiver's Retry-After, or a short
    pause), or None when the receiver asks for longer than is waited for or no time is
    left for it."""
    asked = retry_after_seconds(response.headers.get("Retry-After"))
    wait = 0.2 * 2**retries if asked is None else asked
    if wait > MAX_RETRY_WAIT or wait >= remaining:
        return None
    return wait


def _describe(error: requests.RequestException, fetch: Fetch, settings: FetchSettings) -> str:
    """Why the POST got no answer, in one line."""
    if fetch.expired.is_set():
        return _too_slow(settings)
    if isinstance(error, requests.Timeout) or caused_by_timeout(error):
        return "the webhook did not answer in time"
    if isinstance(error, requests.ConnectionError):
        return f"could not connect ({root_cause(error)})"
    return f"the request failed ({root_cause(error)})"


def _too_slow(settings: FetchSettings) -> str:
    return f"the webhook did not answer within {settings.total_timeout:g} s"


def _without(reason: str, url: str) -> str:
    """``reason`` without the secret parts of ``url`` (its path and query), should a
    library have quoted them."""
    parts = urlsplit(url)
    secret = parts.path + (f"?{parts.query}" if parts.query else "")
    if len(secret) > 1:
        reason = reason.replace(url, shown_url(url)).replace(secret, "/…")
    return reason
