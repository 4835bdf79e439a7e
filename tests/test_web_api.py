"""The HTTP API of ``attribution serve`` over real HTTP: the server under uvicorn on a
loopback port (tests/webserver.py), pages served by another loopback server, a real
database (SQLite, and PostgreSQL where it answers)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
import requests
from conftest import LoopbackServer, redirect, send
from webserver import EXAMPLE_BASE, WebServer, running_server, web_profile

from attribution.records import ServeSettings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = (ROOT / "examples" / "seed-article.html").read_text(encoding="utf-8")
SCHEMAS = ROOT / "docs" / "json"
STORY = (
    b"<html><head><title>Story</title></head><body><article><h1>Story</h1>"
    b"<p>Text of the story, long enough to be an article body and not a teaser.</p>"
    b'<figure><img src="/pictures/lake.jpg" alt="A lake">'
    b"<figcaption>The lake at dawn. Photo: Jane Roe / Flickr (CC BY-NC 2.0)</figcaption>"
    b"</figure></article></body></html>"
)


def schema(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((SCHEMAS / f"{name}.schema.json").read_text("utf-8"))
    return loaded


def post_check(web: WebServer, body: object, **kwargs: object) -> requests.Response:
    return requests.post(web.url("/api/check"), json=body, timeout=120, **kwargs)  # type: ignore[arg-type]


def held_story(server: LoopbackServer, path: str) -> tuple[threading.Event, threading.Event]:
    """Serve the story at ``path`` only once released: (set when a request has arrived,
    set it to release them)."""
    arrived, release = threading.Event(), threading.Event()

    def held(handler: object) -> None:
        arrived.set()
        release.wait(120)
        send(handler, STORY)  # type: ignore[arg-type]

    server.routes[path] = held
    return arrived, release


@pytest.fixture
def web(database_url: str) -> Iterator[WebServer]:
    with running_server(web_profile(database_url)) as running:
        yield running


@pytest.fixture
def sqlite_web(tmp_path: Path) -> Iterator[WebServer]:
    with running_server(web_profile(f"sqlite:///{tmp_path}/web.db")) as running:
        yield running


def test_html_with_its_address_is_checked_recorded_and_read_back(web: WebServer) -> None:
    answer = post_check(web, {"html": EXAMPLE, "base_url": EXAMPLE_BASE, "read_images": False})
    assert answer.status_code == 200, answer.text
    document = answer.json()
    jsonschema.validate({k: v for k, v in document.items()}, schema("check"))
    assert document["schema"] == "attribution.check/1"
    assert document["verdict"] == {"exit_code": 1, "passed": False, "fail_on": "error"}
    assert isinstance(document["run"], int)
    (page,) = document["pages"]
    assert len(page["images"]) == 2
    rules = {f["rule"] for image in page["images"] for f in image["findings"]}
    assert "nc-commercial-use" in rules and "licence-not-linked" in rules

    history = requests.get(web.url(f"/api/pages/{quote(page['url'], safe='')}/history"), timeout=30)
    assert history.status_code == 200
    jsonschema.validate(history.json(), schema("history"))
    assert [reading["run"] for reading in history.json()] == [document["run"]]

    errors = requests.get(web.url("/api/findings"), params={"severity": "error"}, timeout=30)
    assert errors.status_code == 200
    jsonschema.validate(errors.json(), schema("findings"))
    assert [finding["rule"] for finding in errors.json()] == ["nc-commercial-use"]
    assert errors.json()[0]["page"] == page["url"]


def test_a_url_is_fetched_and_the_verdict_follows_fail_on(
    sqlite_web: WebServer, server: LoopbackServer
) -> None:
    server.routes["/story"] = lambda handler: send(handler, STORY)
    strict = post_check(sqlite_web, {"url": server.url("/story"), "read_images": False})
    assert strict.json()["verdict"]["exit_code"] == 1
    assert strict.json()["pages"][0]["images"][0]["credit"]["licence"] == "CC-BY-NC-2.0"
    lenient = post_check(
        sqlite_web,
        {"url": server.url("/story"), "read_images": False, "fail_on": "never", "store": False},
    )
    assert lenient.json()["verdict"] == {"exit_code": 0, "passed": True, "fail_on": "never"}
    assert lenient.json()["run"] is None
    non_commercial = post_check(
        sqlite_web, {"url": server.url("/story"), "read_images": False, "commercial": False}
    )
    assert non_commercial.json()["profile"]["commercial"] is False
    found = {f["rule"] for f in non_commercial.json()["pages"][0]["images"][0]["findings"]}
    assert "nc-commercial-use" not in found


@pytest.mark.parametrize(
    "address",
    [
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://10.0.0.1/story",  # a private network
        "http://[::1]/story",  # loopback, not the allowed host name
        "http://localhost/story",
    ],
)
def test_private_addresses_are_refused(sqlite_web: WebServer, address: str) -> None:
    answer = post_check(sqlite_web, {"url": address, "store": False})
    assert answer.status_code == 200
    document = answer.json()
    assert document["verdict"]["exit_code"] == 3
    (failed,) = document["failed"]
    assert "private address" in failed["reason"]


def test_a_redirect_to_a_private_host_is_refused(
    sqlite_web: WebServer, server: LoopbackServer
) -> None:
    # The allowed host (127.0.0.1) sends the server on to another name of the machine.
    port = server.base.rsplit(":", 1)[1]
    server.routes["/moved"] = redirect(f"http://localhost:{port}/story")
    server.routes["/story"] = lambda handler: send(handler, STORY)
    document = post_check(sqlite_web, {"url": server.url("/moved"), "store": False}).json()
    (failed,) = document["failed"]
    assert "redirected to http://localhost" in failed["reason"]
    assert "private address" in failed["reason"]
    assert [path for path, _ in server.requests] == ["/moved"]


def test_login_headers_go_to_the_page_host_only_and_are_never_stored(
    tmp_path: Path, server: LoopbackServer
) -> None:
    secret = "session=s3cr3t-preview-cookie"
    port = server.base.rsplit(":", 1)[1]

    def preview(handler: object) -> None:
        if handler.headers.get("Cookie") != secret:  # type: ignore[attr-defined]
            send(handler, b"<html><body>sign in</body></html>", status=401)  # type: ignore[arg-type]
            return
        page = STORY.replace(
            b'src="/pictures/lake.jpg"', f'src="http://localhost:{port}/lake.jpg"'.encode()
        )
        send(handler, page)  # type: ignore[arg-type]

    server.routes["/preview"] = preview
    server.routes["/lake.jpg"] = lambda handler: send(handler, b"\xff\xd8\xff", "image/jpeg")
    database = tmp_path / "web.db"
    profile = web_profile(f"sqlite:///{database}", allowed_hosts=("127.0.0.1", "localhost"))
    with running_server(profile) as web:
        refused = post_check(web, {"url": server.url("/preview")})
        assert refused.json()["failed"][0]["reason"].startswith("HTTP 401")
        answer = post_check(web, {"url": server.url("/preview"), "headers": {"Cookie": secret}})
        assert answer.json()["verdict"]["exit_code"] == 1, answer.json()
    cookies = {path: headers.get("Cookie") for path, headers in server.requests}
    assert cookies["/preview"] == secret
    # the image is on another host name: it never sees the cookie
    assert cookies["/lake.jpg"] is None
    assert secret.encode() not in database.read_bytes()


@pytest.mark.parametrize(
    "body,status,words",
    [
        ({}, 422, "give the URL"),
        ({"url": "javascript:alert(1)"}, 422, "not an absolute http(s) URL"),
        ({"html": "<p>x</p>"}, 422, "base_url"),
        ({"html": "<p>x</p>", "base_url": "file:///etc/passwd"}, 422, "not an absolute"),
        ({"url": "https://a.example/", "html": "<p>x</p>"}, 422, "not both"),
        ({"url": "https://a.example/", "colour": "red"}, 422, "unknown field 'colour'"),
        ({"url": 7}, 422, "url must be a string"),
        ({"url": "https://a.example/", "render": "yes"}, 422, "true or false"),
        ({"url": "https://a.example/", "fail_on": "sometimes"}, 422, "fail_on"),
        ({"url": "https://a.example/", "headers": {"Host": "b.example"}}, 422, "Host"),
        ({"url": "https://a.example/", "headers": {"X-A": "1\r\nX-B: 2"}}, 422, "line break"),
        ([], 422, "JSON object"),
    ],
)
def test_bad_requests_get_one_clear_error(
    sqlite_web: WebServer, body: object, status: int, words: str
) -> None:
    answer = post_check(sqlite_web, body)
    assert answer.status_code == status
    assert words in answer.json()["error"]


def test_bodies_that_are_not_json_or_too_large_are_refused(tmp_path: Path) -> None:
    profile = web_profile(f"sqlite:///{tmp_path}/web.db", serve=ServeSettings(max_body_kb=4))
    with running_server(profile) as web:
        form = requests.post(web.url("/api/check"), data={"url": "https://a.example/"}, timeout=30)
        assert form.status_code == 415
        broken = requests.post(
            web.url("/api/check"),
            data=b"{not json",
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert broken.status_code == 422
        huge = post_check(web, {"html": "<p>" + "x" * 10_000, "base_url": EXAMPLE_BASE})
        assert huge.status_code == 413
        assert "max_body_kb" in huge.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it comes
            yield b'{"html": "'
            for _ in range(20):
                yield b"x" * 1024
            yield b'", "base_url": "https://a.example/"}'

        streamed = requests.post(
            web.url("/api/check"),
            data=chunks(),
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert streamed.status_code == 413


def test_a_client_runs_at_most_its_share_of_checks_at_once(
    tmp_path: Path, server: LoopbackServer
) -> None:
    arrived, release = held_story(server, "/held")
    profile = web_profile(f"sqlite:///{tmp_path}/web.db", serve=ServeSettings(checks_per_client=1))
    with running_server(profile) as web:
        first: list[requests.Response] = []
        thread = threading.Thread(
            target=lambda: first.append(
                post_check(web, {"url": server.url("/held"), "read_images": False})
            )
        )
        thread.start()
        try:
            assert arrived.wait(60)
            second = post_check(web, {"url": server.url("/held"), "read_images": False})
            assert second.status_code == 429
            assert second.headers["Retry-After"]
            assert "at most 1" in second.json()["error"]
        finally:
            release.set()
            thread.join(120)
        assert first[0].status_code == 200
        again = post_check(web, {"url": server.url("/held"), "read_images": False})
        assert again.status_code == 200


def test_queries_of_the_record_check_their_parameters(sqlite_web: WebServer) -> None:
    unknown = requests.get(
        sqlite_web.url("/api/pages/https%3A%2F%2Fnowhere.example%2Fa/history"), timeout=30
    )
    assert unknown.status_code == 404
    assert "no page" in unknown.json()["error"]
    for query, words in (
        ({"status": "lost"}, "status must be"),
        ({"severity": "fatal"}, "severity must be"),
        ({"since": "yesterday"}, "YYYY-MM-DD"),
        ({"limit": "0"}, "limit must be"),
        ({"limit": "many"}, "limit must be"),
    ):
        answer = requests.get(sqlite_web.url("/api/findings"), params=query, timeout=30)
        assert answer.status_code == 422, query
        assert words in answer.json()["error"]
    assert requests.get(sqlite_web.url("/api/findings"), timeout=30).json() == []


def test_health_and_the_openapi_description(sqlite_web: WebServer) -> None:
    health = requests.get(sqlite_web.url("/healthz"), timeout=30)
    assert health.status_code == 200 and health.json()["status"] == "ok"
    described = requests.get(sqlite_web.url("/openapi.json"), timeout=30).json()
    assert described["openapi"].startswith("3.1")
    assert set(described["paths"]) == {
        "/api/check",
        "/api/pages/{url}/history",
        "/api/findings",
        "/healthz",
    }
    # every reference points at a component that exists
    text = json.dumps(described)
    references = {part.split('"')[0] for part in text.split('"$ref": "')[1:]}
    assert "#/components/schemas/Check_page" in references
    for ref in references:
        assert ref.removeprefix("#/components/schemas/") in described["components"]["schemas"]


def test_a_history_no_route_matches_is_a_json_404(sqlite_web: WebServer) -> None:
    """A page's address with a line break matches no route (a path parameter stops at a
    line break): its history is not found, answered in the API's JSON like every other
    error, not as Starlette's plain-text page."""
    answer = requests.get(sqlite_web.url("/api/pages/a%0Ab/history"), timeout=30)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"
    assert "error" in answer.json()


def test_the_api_answers_what_it_lacks_in_json_and_the_pages_in_text(sqlite_web: WebServer) -> None:
    """An unknown API address (404) and a method a route does not take (405, with its
    Allow header) are JSON errors; outside /api/ a missing page stays plain text."""
    missing = requests.get(sqlite_web.url("/api/nothing"), timeout=30)
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/json")
    assert "openapi.json" in missing.json()["error"]
    wrong = requests.get(sqlite_web.url("/api/check"), timeout=30)
    assert (wrong.status_code, wrong.headers["content-type"]) == (405, "application/json")
    assert wrong.headers["allow"] == "POST"
    assert wrong.json() == {"error": "Method Not Allowed"}
    page = requests.get(sqlite_web.url("/nothing"), timeout=30)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "body",
    [
        {"url": "http://[x"},
        {"url": "https://[::1/story"},
        {"html": "<p>A story</p>", "base_url": "http://[x/"},
    ],
)
def test_an_address_that_does_not_parse_is_a_422(
    sqlite_web: WebServer, body: dict[str, str]
) -> None:
    """An address that cannot be taken apart (an unclosed IPv6 bracket) is a request
    naming no page (422), as any other address that is not an absolute http(s) URL,
    not a server error."""
    answer = requests.post(sqlite_web.url("/api/check"), json=body, timeout=60)
    assert answer.status_code == 422
    assert "is not an absolute http(s) URL" in answer.json()["error"]


@pytest.mark.parametrize(
    "body,words",
    [
        ({"url": "https://a.example/", "read_images": None}, "read_images must be true or false"),
        ({"url": "https://a.example/", "store": None}, "store must be true or false"),
        ({"url": "https://a.example/", "fail_on": ""}, "fail_on must be one of"),
        ({"url": "https://a.example/", "fail_on": None}, "fail_on must be one of"),
        ({"url": "https://a.example/", "commercial": "no"}, "commercial must be"),
        ({"url": "https://a.example/\ud800"}, "not valid Unicode"),
        ({"html": "<p>\udfff</p>", "base_url": "https://a.example/"}, "not valid Unicode"),
        ({"url": "https://a.example/", "headers": {"X-A": "\ud800"}}, "headers must be"),
    ],
)
def test_options_are_what_they_say_or_refused(
    sqlite_web: WebServer, body: dict[str, object], words: str
) -> None:
    """null is no answer for an option with a default (it would silently turn it off),
    and text JSON can spell but no page can hold (a lone surrogate) is refused."""
    answer = sqlite_web.url("/api/check")
    sent = requests.post(
        answer,
        data=json.dumps(body),  # the escapes as written, not re-encoded by requests
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert sent.status_code == 422, sent.text
    assert words in sent.json()["error"]


def test_json_nested_too_deeply_is_a_bad_request(sqlite_web: WebServer) -> None:
    answer = requests.post(
        sqlite_web.url("/api/check"),
        data=b"[" * 200_000,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )
    assert answer.status_code == 422
    assert "nested too deeply" in answer.json()["error"]


def test_an_address_that_does_not_parse_has_no_history(sqlite_web: WebServer) -> None:
    api = requests.get(sqlite_web.url("/api/pages/http:%2F%2F%5B::1/history"), timeout=30)
    assert api.status_code == 404 and "no page" in api.json()["error"]
    page = requests.get(sqlite_web.url("/pages"), params={"url": "http://[::1"}, timeout=30)
    assert page.status_code == 404 and "no page" in page.text


def test_waiting_checks_hold_no_thread_the_other_requests_need(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """More checks than the thread pool has threads wait for the one place: the health
    check and the pages are still served meanwhile."""
    arrived, release = held_story(server, "/held")
    serve = ServeSettings(checks_at_once=1, checks_per_client=100)
    profile = web_profile(f"sqlite:///{tmp_path}/web.db", serve=serve)
    with running_server(profile) as web:
        answers: list[int] = []
        body = {"url": server.url("/held"), "read_images": False, "store": False}
        threads = [
            threading.Thread(target=lambda: answers.append(post_check(web, body).status_code))
            for _ in range(45)
        ]
        for thread in threads:
            thread.start()
        try:
            assert arrived.wait(60)
            assert requests.get(web.url("/healthz"), timeout=20).status_code == 200
            assert requests.get(web.url("/"), timeout=20).status_code == 200
        finally:
            release.set()
            for thread in threads:
                thread.join(180)
        assert answers and set(answers) <= {200, 503}
        assert 200 in answers


def test_a_pasted_page_may_be_as_large_as_the_server_takes(sqlite_web: WebServer) -> None:
    import re

    with requests.Session() as browser:
        page = browser.get(sqlite_web.url("/"), timeout=30).text
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found is not None
        large = EXAMPLE.replace("</body>", "<p>" + "words " * 250_000 + "</p></body>")
        assert len(large) > 1024 * 1024
        answer = browser.post(
            sqlite_web.url("/check"),
            files={
                "html": (None, large),
                "base_url": (None, EXAMPLE_BASE),
                "csrf": (None, found.group(1)),
            },
            timeout=120,
        )
    assert answer.status_code == 200, answer.text[:300]
    assert "Fix the findings below before publishing." in answer.text


def test_a_preview_that_sends_the_check_to_its_login_is_not_passed(
    tmp_path: Path, server: LoopbackServer
) -> None:
    """An expired preview session redirects to a login page elsewhere: that page has no
    images and would pass; with the login's headers given, it is a page not checked."""
    port = server.base.rsplit(":", 1)[1]
    server.routes["/preview"] = redirect(f"http://localhost:{port}/login")
    server.routes["/login"] = lambda handler: send(
        handler, b"<html><body><form>Sign in</form></body></html>"
    )
    profile = web_profile(f"sqlite:///{tmp_path}/web.db", allowed_hosts=("127.0.0.1", "localhost"))
    with running_server(profile) as web:
        without = post_check(web, {"url": server.url("/preview"), "store": False})
        assert without.json()["verdict"]["exit_code"] == 0  # nothing says it is a login
        given = post_check(
            web,
            {"url": server.url("/preview"), "headers": {"Cookie": "s=expired"}},
        ).json()
    assert given["verdict"]["exit_code"] == 3
    (failed,) = given["failed"]
    assert "another site" in failed["reason"] and "not checked" in failed["reason"]
