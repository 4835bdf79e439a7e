"""What the server holds while it runs: its checks (database and parsing processes),
the places of each client, who may sign in, and the page templates."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Environment
    from starlette.requests import Request

    from attribution.app.editor import EditorChecks
    from attribution.web.security import Access, ClientPlaces


@dataclass(frozen=True)
class ServerState:
    """The server's parts, shared by every request."""

    checks: EditorChecks
    places: ClientPlaces
    access: Access
    templates: Environment
    can_render: bool
    # The server's places for checks (``[serve] checks_at_once``), awaited on the event
    # loop so that checks waiting for one hold no thread.
    check_places: asyncio.Semaphore

    def client(self, request: Request) -> str:
        """Whose checks a request's are, for the places of each client: the user the
        proxy names, else the client's address (the proxy's ``X-Forwarded-For`` when
        the server was told to trust it)."""
        header = self.access.trusted_user_header
        if header is not None and request.headers.get(header):
            return "user:" + request.headers[header].strip()
        return "address:" + (request.client.host if request.client else "unknown")
