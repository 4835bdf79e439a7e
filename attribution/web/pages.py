"""The editors' web page: a form to check a page (its URL, or its HTML with its
address), the answer with every image, its credit and findings and the corrected
attribution line ready to copy, and a page's history. Everything taken from a page is
escaped by the templates (``reports/web/``); reading needs no script, copying and the
progress note use the one script file the policy allows."""

from __future__ import annotations

import re
from html import unescape
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.responses import HTMLResponse, RedirectResponse, Response

from attribution.app.editor import PageCheckRequest
from attribution.errors import UsageError
from attribution.records import CONTENT_ROLE, Severity
from attribution.rules.attribution import (
    COMPLETE_ATTRIBUTION,
    FOR_EXAMPLE,
    SOURCE_PLACEHOLDER,
    SOURCE_PLACEHOLDER_TEXT,
    corrected_attribution,
)
from attribution.web.api import ApiError, run_check
from attribution.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    CsrfGuard,
    cookie_name,
)

if TYPE_CHECKING:
    from starlette.requests import Request

    from attribution.app.editor import PageCheck
    from attribution.records import Finding, ImageResult, StoredFinding
    from attribution.web.state import ServerState

HISTORY_READINGS = 50
_VERDICTS = {
    0: ("passed", "Nothing stands in the way of publishing."),
    1: ("failed", "Fix the findings below before publishing."),
    3: ("unreadable", "The page could not be checked."),
}


def _state(request: Request) -> ServerState:
    state: ServerState = request.app.state.server
    return state


def _page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """``template`` rendered with ``context`` and the form token (set as a cookie when new)."""
    state = _state(request)
    secure = request.url.scheme == "https"
    token, new = CsrfGuard.token(request.cookies, secure)
    body = state.templates.get_template(template).render(
        csrf_field=CSRF_FIELD,
        csrf_token=token,
        can_render=state.can_render,
        signed_in=not state.access.open,
        **context,
    )
    response = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    if new:
        response.set_cookie(
            cookie_name(CSRF_COOKIE, secure), token, httponly=True, samesite="strict", secure=secure
        )
    return response


def index(request: Request) -> Response:
    """``GET /``: the form."""
    return _page(request, "web/index.html", {"form": {}, "error": None})


async def check(request: Request) -> Response:
    """``POST /check``: check the page the form names and show the answer."""
    state = _state(request)
    # A pasted page is one field: it may be as large as the server takes a body.
    limit = state.checks.profile.serve.max_body_kb * 1024
    form = await request.form(max_files=1, max_fields=20, max_part_size=limit)
    if not CsrfGuard.valid(request.cookies, _text(form.get(CSRF_FIELD)), _secure(request)):
        return _page(
            request,
            "web/index.html",
            {
                "form": {},
                "error": "The form had expired. It is shown again: check the page once more.",
            },
            status=403,
        )
    fields = {name: _text(form.get(name)) or "" for name in ("url", "html", "base_url", "headers")}
    html = fields["html"].encode("utf-8", "surrogatepass") if fields["html"].strip() else None
    upload = form.get("file")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        html = await upload.read()
    commercial = {"commercial": True, "non-commercial": False}.get(_text(form.get("use")) or "")
    wanted = PageCheckRequest(
        url=fields["url"].strip() or None if html is None else None,
        html=html,
        base_url=fields["base_url"].strip() or None,
        commercial=commercial,
        read_images=_text(form.get("images")) == "on",
        render=_text(form.get("render")) == "on",
        headers=tuple(line for line in fields["headers"].splitlines() if line.strip()),
    )
    shown_form = {
        "url": fields["url"],
        "base_url": fields["base_url"],
        "use": _text(form.get("use")) or "",
        "images": wanted.read_images,
    }
    try:
        done = await run_check(state, request, wanted)
    except ApiError as error:
        return _page(
            request, "web/index.html", {"form": shown_form, "error": error.message}, error.status
        )
    return _page(request, "web/result.html", {"form": shown_form, **result_view(done)})


def result_view(done: PageCheck) -> dict[str, Any]:
    """What the answer page shows of a check."""
    outcome = done.outcome
    verdict_class, verdict_text = _VERDICTS[done.exit_code]
    view: dict[str, Any] = {
        "verdict": verdict_class,
        "verdict_text": verdict_text,
        "fail_on": done.fail_on,
        "run_id": done.run_id,
        "error": outcome.error.reason if outcome.error is not None else None,
        "target": outcome.target,
        "page": None,
    }
    page = outcome.result
    if page is None:
        return view
    content = [_image_view(item) for item in page.images if item.image.role == CONTENT_ROLE]
    social = [_image_view(item) for item in page.images if item.image.role != CONTENT_ROLE]
    counts = dict.fromkeys((severity.value for severity in Severity), 0)
    for finding in page.all_findings():
        counts[finding.severity.value] += 1
    view["page"] = {
        "url": page.url,
        "title": page.title,
        "content": content,
        "social": social,
        "findings": [_finding_view(finding) for finding in page.findings],
        "notices": list(page.notices),
        "counts": counts,
        "history": "/pages?url=" + quote(page.url, safe=""),
        "commercial": done.profile.commercial,
    }
    return view


def _image_view(item: ImageResult) -> dict[str, Any]:
    from attribution.render.audit_html import web_address

    image, credit = item.image, item.credit
    facts = []
    if credit is not None:
        for label, value in (
            ("creator", credit.creator),
            ("provider", credit.provider),
            ("holder", credit.holder),
            ("licence", credit.licence),
            ("kind", credit.kind),
        ):
            if value:
                facts.append((label, value))
    return {
        "src": image.src,
        "thumbnail": web_address(image.src),
        "alt": image.alt,
        "caption": image.caption,
        "credit": credit.text if credit is not None else image.credit,
        "facts": facts,
        "findings": [_finding_view(finding) for finding in item.findings],
        "worst": max(
            (finding.severity for finding in item.findings),
            key=lambda severity: severity.rank,
            default=None,
        ),
    }


def _finding_view(finding: Finding | StoredFinding) -> dict[str, Any]:
    text, markup = corrected_attribution(finding.fix)
    if markup is not None and text is None:
        text = _plain(markup)
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "fix": _fix_without_line(finding.fix) if markup is not None else finding.fix,
        "line_text": text,
        "line_html": markup,
    }


def _fix_without_line(fix: str | None) -> str | None:
    """A fix whose corrected line is shown (and copied) on its own: the fix's words
    without the line, which would only repeat it."""
    if not fix:
        return fix
    if fix.startswith(COMPLETE_ATTRIBUTION):
        return "Use the complete attribution below."
    return fix.partition(FOR_EXAMPLE)[0] + ", as in the line below."


_LINK = re.compile(r'<a\s[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def _plain(markup: str) -> str:
    """The text of an attribution line written in HTML (the rules write it: links and
    escaped text only). A link keeps its address, written after its words as the
    rules' own text lines write it: a line that dropped the licence's address would
    not fix a licence that is not linked."""
    parts: list[str] = []
    done = 0
    for link in _LINK.finditer(markup):
        parts.append(_unmarked(markup[done : link.start()]))
        words, address = _unmarked(link.group(2)), unescape(link.group(1))
        if address == SOURCE_PLACEHOLDER:
            address = SOURCE_PLACEHOLDER_TEXT
        parts.append(f"{words} ({address})" if address and address != words else words)
        done = link.end()
    parts.append(_unmarked(markup[done:]))
    return "".join(parts)


def _unmarked(markup: str) -> str:
    return unescape(re.sub(r"<[^>]*>", "", markup))


def history(request: Request) -> Response:
    """``GET /pages?url=…``: what the page showed each time it was checked, and what
    became of each of its findings."""
    from attribution.store import FindingFilter, list_findings, page_history
    from attribution.urls import canonical_url

    state = _state(request)
    url = request.query_params.get("url", "").strip()
    if not url:
        return RedirectResponse("/", status_code=303)
    try:
        snapshots = page_history(state.checks.db, url, HISTORY_READINGS)
    except UsageError as error:
        return _page(request, "web/history.html", {"url": url, "error": str(error)}, 404)
    try:
        page_url = canonical_url(url)
    except ValueError:
        page_url = url
    everything = FindingFilter(
        statuses=("open", "waived", "resolved"), page=page_url, evidence=True
    )
    found = [
        finding
        for finding in list_findings(state.checks.db, everything)
        if finding.page_url in (page_url, url)
    ]
    return _page(
        request,
        "web/history.html",
        {
            "url": url,
            "error": None,
            "snapshots": snapshots,
            "findings": [{**_finding_view(f), "stored": f} for f in found],
            "content_role": CONTENT_ROLE,
        },
    )


def login_form(request: Request) -> Response:
    """``GET /login``: the sign-in page of a server with a token."""
    return _page(request, "web/login.html", {"error": None})


async def login(request: Request) -> Response:
    """``POST /login``: a browser gives the token once and holds a session cookie."""
    state = _state(request)
    form = await request.form(max_files=0, max_fields=5)
    if not CsrfGuard.valid(request.cookies, _text(form.get(CSRF_FIELD)), _secure(request)):
        return _page(request, "web/login.html", {"error": "The form had expired: try again."}, 403)
    if not state.access.token_matches(_text(form.get("token")) or ""):
        return _page(request, "web/login.html", {"error": "That is not the server's token."}, 401)
    response = RedirectResponse("/", status_code=303)
    secure = _secure(request)
    response.set_cookie(
        cookie_name(SESSION_COOKIE, secure),
        state.access.session_value(),
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    return response


def _secure(request: Request) -> bool:
    """Whether the request came over https (as the proxy says, when it is trusted)."""
    return request.url.scheme == "https"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
