"""The HTTP API for the publishing system: check a page before it is published, read a
page's history and the recorded findings. Each answer is the JSON document of the
matching command (``check``, ``history``, ``findings`` with ``--format json``); errors
are ``{"error": "…"}`` with a status that says whose fault it was."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from attribution import __version__
from attribution.app.editor import PageCheckRequest
from attribution.app.outcomes import FAIL_ON
from attribution.errors import ConfigError, ServerBusy, UsageError
from attribution.records import FINDING_STATUSES, Severity
from attribution.web.openapi import MAX_FINDINGS, MAX_HISTORY, openapi_document
from attribution.web.security import TooMany

if TYPE_CHECKING:
    from starlette.requests import Request

    from attribution.app.editor import PageCheck
    from attribution.web.state import ServerState

DEFAULT_FINDINGS = 1000
# Seconds a check waits for one of the server's places before it is answered 503.
PLACE_WAIT = 30.0
_REQUEST_FIELDS = frozenset(
    {
        "url",
        "html",
        "base_url",
        "commercial",
        "read_images",
        "render",
        "store",
        "fail_on",
        "headers",
    }
)


class ApiError(Exception):
    """A request the API answers with ``status`` and ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The API's answer to a request it cannot serve."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def check_document(check: PageCheck) -> dict[str, Any]:
    """The ``attribution.check/1`` document of one page's check, with its verdict and
    the run it was recorded in."""
    from attribution.serialize import check_json

    outcome = check.outcome
    pages = [outcome.result] if outcome.result is not None else []
    failed = [(outcome.target, outcome.error.reason)] if outcome.error is not None else []
    document = check_json(pages, check.profile, failed)
    document["verdict"] = {
        "exit_code": check.exit_code,
        "passed": check.exit_code == 0,
        "fail_on": check.fail_on,
    }
    document["run"] = check.run_id
    return document


def check_request(body: Any) -> PageCheckRequest:
    """The check a JSON body asks for; :class:`ApiError` (422) for a body of the wrong shape."""
    if not isinstance(body, dict):
        raise ApiError(422, 'the body must be a JSON object, e.g. {"url": "https://…"}')
    unknown = sorted(set(body) - _REQUEST_FIELDS)
    if unknown:
        raise ApiError(
            422, f"unknown field {unknown[0]!r}; known: {', '.join(sorted(_REQUEST_FIELDS))}"
        )

    def text(name: str) -> str | None:
        value = body.get(name)
        if value is not None and not isinstance(value, str):
            raise ApiError(422, f"{name} must be a string")
        if value is not None and not _unicode(value):
            raise ApiError(422, f"{name} is not valid Unicode (it holds a lone surrogate)")
        return value

    def flag(name: str, default: bool) -> bool:
        value = body.get(name, default)
        if not isinstance(value, bool):
            raise ApiError(422, f"{name} must be true or false")
        return value

    commercial = body.get("commercial")
    if commercial is not None and not isinstance(commercial, bool):
        raise ApiError(422, "commercial must be true, false or null (the profile's)")
    headers = body.get("headers", {})
    if not isinstance(headers, dict) or not all(
        isinstance(name, str) and isinstance(value, str) and _unicode(name + value)
        for name, value in headers.items()
    ):
        raise ApiError(422, 'headers must be an object of strings, e.g. {"Cookie": "session=…"}')
    html = text("html")
    fail_on = text("fail_on") if "fail_on" in body else "error"
    if fail_on not in FAIL_ON:
        raise ApiError(422, f"fail_on must be one of {', '.join(FAIL_ON)}")
    return PageCheckRequest(
        url=text("url"),
        html=html.encode("utf-8") if html is not None else None,
        base_url=text("base_url"),
        commercial=commercial,
        read_images=flag("read_images", True),
        render=flag("render", False),
        record=flag("store", True),
        fail_on=fail_on,
        headers=tuple(f"{name}: {value}" for name, value in headers.items()),
    )


def _unicode(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8 (no lone surrogates, which JSON can
    spell as escapes but no page, address or answer can hold)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def run_check(state: ServerState, request: Request, wanted: PageCheckRequest) -> PageCheck:
    """Check a page for ``request``'s client within its places; :class:`ApiError` for
    what stops it (bad request 422, too many 429, busy 503, no browser 422)."""
    try:
        with state.places.hold(state.client(request)):
            # A check waits for its place here, not in a thread: waiting checks must not
            # take the threads every other request is served by.
            try:
                await asyncio.wait_for(state.check_places.acquire(), timeout=PLACE_WAIT)
            except TimeoutError:
                raise ServerBusy(
                    "every place for a check is taken: try again in a moment"
                ) from None
            try:
                return await run_in_threadpool(state.checks.check, wanted)
            finally:
                state.check_places.release()
    except TooMany as error:
        raise ApiError(429, str(error)) from None
    except ServerBusy as error:
        raise ApiError(503, str(error)) from None
    except (UsageError, ConfigError) as error:
        raise ApiError(422, str(error)) from None


async def check(request: Request) -> Response:
    """``POST /api/check``."""
    state: ServerState = request.app.state.server
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        return error_response(415, "send the request as JSON (Content-Type: application/json)")
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return error_response(422, "the body is not valid JSON")
    except RecursionError:
        return error_response(422, "the body is JSON nested too deeply")
    try:
        wanted = check_request(body)
        done = await run_check(state, request, wanted)
    except ApiError as error:
        headers = {"Retry-After": "5"} if error.status in (429, 503) else None
        return error_response(error.status, error.message, headers)
    return JSONResponse(check_document(done))


def _whole(request: Request, name: str, most: int) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not value.isdigit() or not 1 <= int(value) <= most:
        raise ApiError(422, f"{name} must be a whole number from 1 to {most}")
    return int(value)


def page_history(request: Request) -> Response:
    """``GET /api/pages/{url}/history``."""
    from attribution.serialize import snapshot_json
    from attribution.store import page_history as read_history

    state: ServerState = request.app.state.server
    try:
        limit = _whole(request, "limit", MAX_HISTORY)
        snapshots = read_history(state.checks.db, request.path_params["url"], limit)
    except ApiError as error:
        return error_response(error.status, error.message)
    except UsageError as error:
        return error_response(404, str(error))
    return JSONResponse([snapshot_json(snapshot) for snapshot in snapshots])


def findings(request: Request) -> Response:
    """``GET /api/findings``."""
    from attribution.serialize import stored_finding_json
    from attribution.store import FindingFilter, list_findings

    state: ServerState = request.app.state.server
    query = request.query_params
    try:
        status = query.get("status", "open")
        if status not in (*FINDING_STATUSES, "all"):
            raise ApiError(422, f"status must be one of {', '.join((*FINDING_STATUSES, 'all'))}")
        severities = query.getlist("severity")
        known = {severity.value for severity in Severity}
        if any(severity not in known for severity in severities):
            raise ApiError(422, f"severity must be one of {', '.join(sorted(known))}")
        since = _day(query.get("since"))
        limit = _whole(request, "limit", MAX_FINDINGS) or DEFAULT_FINDINGS
    except ApiError as error:
        return error_response(error.status, error.message)
    wanted = FindingFilter(
        statuses=FINDING_STATUSES if status == "all" else (status,),
        rules=tuple(query.getlist("rule")),
        severities=tuple(severities),
        page=query.get("page") or None,
        since=since,
        limit=limit,
        evidence=True,
    )
    found = list_findings(state.checks.db, wanted)
    return JSONResponse([stored_finding_json(finding) for finding in found])


def _day(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "since must be a day, YYYY-MM-DD") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def health(request: Request) -> Response:
    """``GET /healthz``: the server answers (no sign-in needed)."""
    return JSONResponse({"status": "ok", "version": __version__})


async def openapi(request: Request) -> Response:
    """``GET /openapi.json``."""
    return JSONResponse(openapi_document())
