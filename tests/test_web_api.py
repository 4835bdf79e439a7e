"""The HTTP API over real HTTP: plain requests to the server on a loopback port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from webserver import WebServer, running_server, web_profile


@pytest.fixture
def web(tmp_path: Path) -> Iterator[WebServer]:
    with running_server(web_profile(f"sqlite:///{tmp_path}/web.db")) as running:
        yield running


def test_a_history_no_route_matches_is_a_json_404(web: WebServer) -> None:
    """A page's address with a line break matches no route (a path parameter stops at a
    line break): its history is not found, answered in the API's JSON like every other
    error, not as Starlette's plain-text page."""
    answer = requests.get(web.url("/api/pages/a%0Ab/history"), timeout=30)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/json"
    assert "error" in answer.json()


def test_the_api_answers_what_it_lacks_in_json_and_the_pages_in_text(web: WebServer) -> None:
    """An unknown API address (404) and a method a route does not take (405, with its
    Allow header) are JSON errors; outside /api/ a missing page stays plain text."""
    missing = requests.get(web.url("/api/nothing"), timeout=30)
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/json")
    assert "openapi.json" in missing.json()["error"]
    wrong = requests.get(web.url("/api/check"), timeout=30)
    assert (wrong.status_code, wrong.headers["content-type"]) == (405, "application/json")
    assert wrong.headers["allow"] == "POST"
    assert wrong.json() == {"error": "Method Not Allowed"}
    page = requests.get(web.url("/nothing"), timeout=30)
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
def test_an_address_that_does_not_parse_is_a_422(web: WebServer, body: dict[str, str]) -> None:
    """An address that cannot be taken apart (an unclosed IPv6 bracket) is a request
    naming no page (422), as any other address that is not an absolute http(s) URL,
    not a server error."""
    answer = requests.post(web.url("/api/check"), json=body, timeout=60)
    assert answer.status_code == 422
    assert "is not an absolute http(s) URL" in answer.json()["error"]
