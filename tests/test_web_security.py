"""Who may use ``attribution serve`` and what its pages allow: the token and the
proxy's user header, forged forms, the Content-Security-Policy; and the request headers
given for a preview page behind a login (``check -H``), which go to its host only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from conftest import LoopbackServer, redirect, run_cli, send
from webserver import EXAMPLE_BASE, WebServer, running_server, web_profile

from attribution.config import profile_from_mapping
from attribution.errors import ConfigError, UsageError
from attribution.fetch.settings import PageHeaders, parse_header_line
from attribution.records import ServeSettings
from attribution.web.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "examples" / "seed-article.html").read_text(encoding="utf-8")
TOKEN = "correct-horse-battery-staple"


def form_token(session: requests.Session, web: WebServer, path: str = "/") -> str:
    page = session.get(web.url(path), timeout=30)
    assert page.status_code == 200
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


@pytest.fixture
def open_web(tmp_path: Path) -> Iterator[WebServer]:
    with running_server(web_profile(f"sqlite:///{tmp_path}/web.db")) as web:
        yield web


def test_every_page_forbids_inline_script_and_framing(open_web: WebServer) -> None:
    for path in ("/", "/healthz", "/static/web.css", "/nowhere"):
        answer = requests.get(open_web.url(path), timeout=30)
        policy = answer.headers["Content-Security-Policy"]
        assert policy == CONTENT_SECURITY_POLICY
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "frame-ancestors 'none'" in policy
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    page = requests.get(open_web.url("/"), timeout=30).text
    # the only script is the file the policy allows; no handler attributes
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/web.js" defer>']
    assert not re.search(r"\son[a-z]+=", page)


def test_a_form_without_the_browsers_token_is_refused(open_web: WebServer) -> None:
    fields = {"html": EXAMPLE, "base_url": EXAMPLE_BASE}
    forged = requests.post(open_web.url("/check"), data=fields, timeout=60)
    assert forged.status_code == 403
    assert "expired" in forged.text
    with requests.Session() as browser:
        token = form_token(browser, open_web)
        wrong = browser.post(open_web.url("/check"), data={**fields, "csrf": "x" * 43}, timeout=60)
        assert wrong.status_code == 403
        right = browser.post(open_web.url("/check"), data={**fields, "csrf": token}, timeout=120)
        assert right.status_code == 200
        assert "Fix the findings below before publishing." in right.text
        cookie = next(c for c in browser.cookies if c.name == "attribution_csrf")
        assert cookie.has_nonstandard_attr("HttpOnly")
    assert requests.get(open_web.url("/api/findings"), timeout=30).json()  # one check ran


def test_with_a_token_only_its_holders_get_in(tmp_path: Path) -> None:
    profile = web_profile(f"sqlite:///{tmp_path}/web.db")
    with running_server(profile, token=TOKEN) as web:
        body = {"html": EXAMPLE, "base_url": EXAMPLE_BASE, "read_images": False}
        anonymous = requests.post(web.url("/api/check"), json=body, timeout=60)
        assert anonymous.status_code == 401
        assert anonymous.headers["WWW-Authenticate"] == "Bearer"
        wrong = requests.post(
            web.url("/api/check"), json=body, headers={"Authorization": "Bearer nope"}, timeout=60
        )
        assert wrong.status_code == 401
        bearer = requests.post(
            web.url("/api/check"),
            json=body,
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=120,
        )
        assert bearer.status_code == 200
        assert requests.get(web.url("/healthz"), timeout=30).status_code == 200
        assert requests.get(web.url("/api/findings"), timeout=30).status_code == 401

        with requests.Session() as browser:
            sent_away = browser.get(web.url("/"), allow_redirects=False, timeout=30)
            assert sent_away.status_code == 303 and sent_away.headers["Location"] == "/login"
            token = form_token(browser, web, "/login")
            refused = browser.post(
                web.url("/login"), data={"token": "guess", "csrf": token}, timeout=30
            )
            assert refused.status_code == 401
            signed = browser.post(
                web.url("/login"),
                data={"token": TOKEN, "csrf": token},
                allow_redirects=False,
                timeout=30,
            )
            assert signed.status_code == 303
            assert TOKEN not in str(browser.cookies.get_dict())  # the cookie is derived
            assert browser.get(web.url("/"), timeout=30).status_code == 200


def test_behind_a_proxy_every_request_names_its_user(tmp_path: Path) -> None:
    serve = ServeSettings(trusted_user_header="X-Remote-User")
    profile = web_profile(f"sqlite:///{tmp_path}/web.db", serve=serve)
    with running_server(profile) as web:
        assert requests.get(web.url("/"), timeout=30).status_code == 401
        assert requests.get(web.url("/api/findings"), timeout=30).status_code == 401
        named = {"X-Remote-User": "jane.editor"}
        assert requests.get(web.url("/"), headers=named, timeout=30).status_code == 200
        answer = requests.get(web.url("/api/findings"), headers=named, timeout=30)
        assert answer.status_code == 200
        assert requests.get(web.url("/healthz"), timeout=30).status_code == 200


def test_header_lines_are_checked_and_their_values_never_shown() -> None:
    assert parse_header_line("Cookie:  session=abc ") == ("Cookie", "session=abc")
    assert parse_header_line("Authorization: Bearer x y") == ("Authorization", "Bearer x y")
    for line, words in (
        ("no colon here", "is not 'Name: value'"),
        ("Bad Name: x", "is not 'Name: value'"),
        ("Host: evil.example", "sets it itself"),
        ("Content-Length: 5", "sets it itself"),
        ("X-Token: secret\rX-More: 1", "control character"),
        ("X-Token: " + "s" * 9000, "longer than"),
        ("X-Token: secret€", "outside Latin-1"),
        ("sessionid=secret-value", "is not 'Name: value'"),
        ("session=secret: x", "is not 'Name: value'"),
    ):
        with pytest.raises(UsageError) as refused:
            parse_header_line(line)
        assert words in str(refused.value)
        assert "secret" not in str(refused.value)


def test_page_headers_go_only_to_the_pages_hosts() -> None:
    given = PageHeaders.for_pages(["Cookie: a=1"], ["https://Preview.Example.com./story"])
    assert given is not None
    assert given.for_url("https://preview.example.com/other") == {"Cookie": "a=1"}
    assert given.for_url("https://preview.example.com.evil.example/") == {}
    assert given.for_url("https://cdn.example.com/picture.jpg") == {}
    # another port of the host, or the host over plain http, is another origin
    assert given.for_url("https://preview.example.com:8443/") == {}
    assert given.for_url("http://preview.example.com/story") == {}
    assert given.for_url("https://preview.example.com:443/a") == {"Cookie": "a=1"}
    assert "a=1" not in repr(given)
    assert PageHeaders.for_pages([], ["https://a.example/"]) is None


def test_check_header_logs_in_to_a_preview_and_stays_on_its_host(
    server: LoopbackServer, tmp_path: Path
) -> None:
    port = server.base.rsplit(":", 1)[1]

    def preview(handler: object) -> None:
        if handler.headers.get("Authorization") != "Bearer preview-123":  # type: ignore[attr-defined]
            send(handler, b"<html><body>sign in</body></html>", status=403)  # type: ignore[arg-type]
            return
        send(handler, EXAMPLE.encode())  # type: ignore[arg-type]

    server.routes["/preview"] = preview
    server.routes["/elsewhere"] = redirect(f"http://localhost:{port}/preview")
    # the embedded database, in a folder of the test's; localhost may be reached
    env = {"XDG_DATA_HOME": str(tmp_path), "ATTRIBUTION_CONFIG": str(tmp_path / "p.toml")}
    (tmp_path / "p.toml").write_text('[limits]\nallowed_hosts = ["localhost"]\n')
    refused = run_cli("check", server.url("/preview"), "--no-images", env=env)
    assert refused.returncode == 3 and "HTTP 403" in refused.stderr + refused.stdout
    logged_in = run_cli(
        "check",
        server.url("/preview"),
        "--no-images",
        "-H",
        "Authorization: Bearer preview-123",
        env=env,
    )
    assert logged_in.returncode == 1, logged_in.stderr
    assert "nc-commercial-use" in logged_in.stdout
    # a redirect to another host name does not take the header along
    moved = run_cli(
        "check",
        server.url("/elsewhere"),
        "--no-images",
        "-H",
        "Authorization: Bearer preview-123",
        env=env,
    )
    assert moved.returncode == 3 and "HTTP 403" in moved.stderr + moved.stdout
    sent = [(path, headers.get("Authorization")) for path, headers in server.requests]
    assert ("/elsewhere", "Bearer preview-123") in sent
    assert [auth for path, auth in sent if path == "/preview"][-1] is None
    database = tmp_path / "attribution" / "attribution.db"
    assert database.is_file() and b"preview-123" not in database.read_bytes()
    # a session that has expired sends the check to a login page elsewhere: not passed
    server.routes["/expired"] = redirect(f"http://localhost:{port}/login")
    server.routes["/login"] = lambda handler: send(handler, b"<html><body>Sign in</body></html>")
    expired = run_cli(
        "check", server.url("/expired"), "--no-images", "-H", "Cookie: s=old", env=env
    )
    assert expired.returncode == 3 and "another site" in expired.stderr + expired.stdout
    bad = run_cli("check", server.url("/preview"), "-H", "Host: x", env=env)
    assert bad.returncode == 2 and "sets it itself" in bad.stderr


def test_the_serve_table_of_the_profile() -> None:
    profile = profile_from_mapping(
        {"serve": {"trusted_user_header": "X-Remote-User", "checks_per_client": 3}}, "p.toml"
    )
    assert profile.serve == ServeSettings(trusted_user_header="X-Remote-User", checks_per_client=3)
    for table, words in (
        ({"checks_per_client": 0}, "serve.checks_per_client"),
        ({"max_body_kb": True}, "serve.max_body_kb"),
        ({"trusted_user_header": "X Remote"}, "serve.trusted_user_header"),
        ({"port": 80}, "serve.port"),
    ):
        with pytest.raises(ConfigError) as refused:
            profile_from_mapping({"serve": table}, "p.toml")
        assert words in str(refused.value)
