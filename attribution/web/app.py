"""The web application of ``attribution serve``: its routes, its guards, its state.

:func:`create_app` builds it from a profile; ``attribution serve`` runs it under
uvicorn, and the tests run it the same way on a loopback port.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from attribution.app.editor import EditorChecks
from attribution.errors import StorageError
from attribution.fetch.settings import FetchSettings
from attribution.web import api, pages
from attribution.web.security import (
    Access,
    BodyLimit,
    ClientPlaces,
    SecurityHeaders,
)
from attribution.web.state import ServerState

if TYPE_CHECKING:
    from attribution.records import Profile
    from attribution.web.security import ASGIApp, Receive, Scope, Send

# What anyone may ask for, signed in or not.
_PUBLIC = ("/healthz", "/static/", "/login", "/openapi.json")


class SignIn:
    """Lets through only signed-in requests (see :class:`Access`): others get 401 from
    the API, and the sign-in page (a token) or 401 (a proxy's header) in a browser."""

    def __init__(self, app: ASGIApp, access: Access) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.access.open:
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.startswith(_PUBLIC):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        secure = request.url.scheme == "https"
        if self.access.user(request.headers, request.cookies, secure) is not None:
            await self.app(scope, receive, send)
            return
        response: Response
        if path.startswith("/api/"):
            response = JSONResponse(
                {"error": "not signed in: send Authorization: Bearer TOKEN"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        elif self.access.token is not None:
            response = RedirectResponse("/login", status_code=303)
        else:
            response = JSONResponse(
                {"error": "not signed in: sign in through the newsroom's proxy"}, status_code=401
            )
        await response(scope, receive, send)


async def http_error(request: Request, error: Exception) -> Response:
    """What no route answers (404) or a route does not take (405): under ``/api/`` the
    API's JSON error, as every answer of the API is; elsewhere Starlette's plain text.
    A page's address with a line break, for one, matches no route (a path parameter
    stops at a line break): its history is not found, in JSON like any other."""
    assert isinstance(error, HTTPException)
    if request.url.path.startswith("/api/"):
        message = {404: "no such address in the API (see /openapi.json)"}.get(
            error.status_code, error.detail
        )
        return api.error_response(error.status_code, message, dict(error.headers or {}) or None)
    if error.status_code in {204, 304}:
        return Response(status_code=error.status_code, headers=error.headers)
    return PlainTextResponse(error.detail, status_code=error.status_code, headers=error.headers)


async def storage_error(request: Request, error: Exception) -> Response:
    """The database cannot be reached or refused: 503, to be tried again (the check,
    if one ran, is not recorded)."""
    message = f"the database is not available: {error}; try again in a moment"
    if request.url.path.startswith("/api/"):
        return api.error_response(503, message, {"Retry-After": "30"})
    return PlainTextResponse(message, status_code=503, headers={"Retry-After": "30"})


async def internal_error(request: Request, error: Exception) -> Response:
    """A bug: 500, in the API's JSON under ``/api/`` (the traceback goes to the log)."""
    message = f"internal error ({type(error).__name__}); the server's log has the details"
    if request.url.path.startswith("/api/"):
        return api.error_response(500, message)
    return PlainTextResponse(message, status_code=500)


def create_app(
    profile: Profile,
    *,
    token: str | None = None,
    settings: FetchSettings | None = None,
) -> Starlette:
    """The application for ``profile``: its ``[serve]`` table (places, body limit, the
    proxy's user header) and ``[limits] allowed_hosts`` (the only private hosts it will
    fetch from). ``token``, when given, is what API clients and browsers sign in with."""
    from attribution.errors import ConfigError
    from attribution.fetch.browser import require_renderer
    from attribution.render.audit_html import environment
    from attribution.render.html import reports_dir

    serve = profile.serve
    # A server fetches what people type: no private address but the allowed hosts.
    settings = replace(settings or FetchSettings(), private_targets=False)
    access = Access(token=token or None, trusted_user_header=serve.trusted_user_header)
    try:
        require_renderer()
        can_render = True
    except ConfigError:
        can_render = False

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        checks = EditorChecks(profile, settings)
        checks.warm_up()
        app.state.server = ServerState(
            checks=checks,
            places=ClientPlaces(serve.checks_per_client),
            access=access,
            templates=environment(),
            can_render=can_render,
            check_places=asyncio.Semaphore(serve.checks_at_once),
        )
        try:
            yield
        finally:
            checks.close()

    routes = [
        Route("/", pages.index, methods=["GET"]),
        Route("/check", pages.check, methods=["POST"]),
        Route("/pages", pages.history, methods=["GET"]),
        Route("/login", pages.login_form, methods=["GET"]),
        Route("/login", pages.login, methods=["POST"]),
        Route("/api/check", api.check, methods=["POST"]),
        Route("/api/pages/{url:path}/history", api.page_history, methods=["GET"]),
        Route("/api/findings", api.findings, methods=["GET"]),
        Route("/healthz", api.health, methods=["GET"]),
        Route("/openapi.json", api.openapi, methods=["GET"]),
        Mount("/static", StaticFiles(directory=reports_dir() / "web" / "static"), name="static"),
    ]
    middleware = [
        Middleware(SecurityHeaders),
        Middleware(BodyLimit, limit=serve.max_body_kb * 1024),
        Middleware(SignIn, access=access),
    ]
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            HTTPException: http_error,
            StorageError: storage_error,
            Exception: internal_error,
        },
    )
