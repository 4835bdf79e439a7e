"""What keeps the server safe to put in front of a newsroom: who may use it, how much
one client may ask at once, what a request may weigh, forged forms, and what a browser
may run on its pages.

- **Sign-in** (optional, :class:`Access`): a token (``ATTRIBUTION_SERVE_TOKEN``) that
  API clients send as ``Authorization: Bearer …`` and browsers give once on the sign-in
  page (they then hold a session cookie derived from it); or a header that a reverse
  proxy sets to the signed-in user after its own login (``[serve]
  trusted_user_header``). Without either, whoever reaches the port may check pages:
  bind to loopback behind a proxy.
- **Forged forms** (:class:`CsrfGuard`): each browser holds a random token in a
  ``SameSite=Strict`` cookie that every form repeats; the API takes only JSON, which a
  page on another site cannot send without the browser asking first (and this server
  answers no such question).
- **Weight and number**: a body over ``[serve] max_body_kb`` is refused while it is
  read (:class:`BodyLimit`); at most ``checks_per_client`` checks of one client run at
  once (:class:`ClientPlaces`).
- **What pages may run** (:data:`CONTENT_SECURITY_POLICY`): scripts only from the
  server's own files, never inline; styles likewise; no frames, no plugins; images from
  the web (the thumbnails of the pages checked).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from attribution.errors import AttributionError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: http:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_SECURITY_HEADER_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)
CSRF_COOKIE = "attribution_csrf"
CSRF_FIELD = "csrf"
SESSION_COOKIE = "attribution_session"


def cookie_name(name: str, secure: bool) -> str:
    """The name of one of the server's cookies: over https with the ``__Host-`` prefix,
    which a browser keeps only from this very host (``Secure``, ``Path=/``, no
    ``Domain``), so that a neighbouring subdomain cannot plant one."""
    return f"__Host-{name}" if secure else name


TOKEN_VARIABLE = "ATTRIBUTION_SERVE_TOKEN"


class TooMany(AttributionError):
    """A client asked for more checks at once than it may run."""


class SecurityHeaders:
    """Adds the Content-Security-Policy and the other protective headers to every
    response (pure ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in _SECURITY_HEADER_NAMES
                ]
                message["headers"] = headers + list(SECURITY_HEADERS)
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuses a request whose body is over ``limit`` bytes with 413: by its declared
    ``Content-Length`` before reading, or as soon as a body sent in chunks passes it."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                await _too_large(send, self.limit, scope.get("path", ""))
                return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _BodyTooLarge:
            if not started:
                await _too_large(send, self.limit, scope.get("path", ""))


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int, path: str) -> None:
    """413: JSON for the API, a line of text for a browser's form."""
    message = (
        f"the request is larger than the server takes ({limit // 1024} KiB): give the "
        "page's URL rather than its HTML, or raise [serve] max_body_kb"
    )
    if path.startswith("/api/"):
        body, kind = json.dumps({"error": message}).encode(), b"application/json"
    else:
        body, kind = message.encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass(frozen=True)
class Access:
    """Who may use the server: anyone (neither set), holders of ``token``, or the users
    a reverse proxy names in ``trusted_user_header``."""

    token: str | None = None
    trusted_user_header: str | None = None

    @property
    def open(self) -> bool:
        """Whether anyone who reaches the server may use it."""
        return self.token is None and self.trusted_user_header is None

    def session_value(self) -> str:
        """The session cookie of a browser that gave the token (derived from it, so a
        new token signs every browser out)."""
        assert self.token is not None
        return hmac.new(self.token.encode(), b"attribution-session", hashlib.sha256).hexdigest()

    def user(self, headers: Any, cookies: Any, secure: bool = False) -> str | None:
        """The signed-in user (the proxy's name for them, "token" for a token holder,
        "anyone" on an open server); None when the request is not signed in. ``secure``:
        the request came over https (its cookies have their ``__Host-`` names)."""
        if self.trusted_user_header is not None:
            name = (headers.get(self.trusted_user_header) or "").strip()
            if name:
                return name
            if self.token is None:
                return None
        if self.token is None:
            return "anyone"
        given = headers.get("authorization") or ""
        scheme, _, credential = given.partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            credential.strip().encode(), self.token.encode()
        ):
            return "token"
        session = cookies.get(cookie_name(SESSION_COOKIE, secure)) or ""
        if session and hmac.compare_digest(session.encode(), self.session_value().encode()):
            return "token"
        return None

    def token_matches(self, given: str) -> bool:
        """Whether ``given`` (typed on the sign-in page) is the token."""
        return self.token is not None and hmac.compare_digest(
            given.strip().encode(), self.token.encode()
        )


class CsrfGuard:
    """The double-submit token of the forms: a random value in a ``SameSite=Strict``
    cookie, repeated in a hidden field of every form."""

    @staticmethod
    def token(cookies: Any, secure: bool = False) -> tuple[str, bool]:
        """The browser's token, and whether it is new (to be set as a cookie)."""
        current = cookies.get(cookie_name(CSRF_COOKIE, secure)) or ""
        if len(current) == 43 and current.replace("-", "").replace("_", "").isalnum():
            return current, False
        return secrets.token_urlsafe(32), True

    @staticmethod
    def valid(cookies: Any, submitted: str | None, secure: bool = False) -> bool:
        """Whether a form's ``submitted`` token is the browser's own."""
        current = cookies.get(cookie_name(CSRF_COOKIE, secure)) or ""
        return bool(current) and hmac.compare_digest(current.encode(), (submitted or "").encode())


class ClientPlaces:
    """How many checks each client is running, at most ``per_client`` at once."""

    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, client: str) -> Iterator[None]:
        """Hold one of ``client``'s places for a check; :class:`TooMany` when all are
        taken."""
        with self._lock:
            running = self._running.get(client, 0)
            if running >= self.per_client:
                raise TooMany(
                    f"{running} checks of yours are running; at most {self.per_client} run "
                    "at once: wait for one to finish"
                )
            self._running[client] = running + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._running[client] - 1
                if left:
                    self._running[client] = left
                else:
                    del self._running[client]
