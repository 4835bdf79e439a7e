"""The polite client of the sources' APIs (attribution.fetch.sourceapis), over real HTTP
against the fakes of Wikimedia Commons and Flickr on loopback (tests/sourceapis.py).

Waits are checked by the order of the requests and by the times the fakes saw them
arrive, measured against each other; never by how long a test took.
"""

from __future__ import annotations

import email.utils
import json
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from faultserver import FaultServer
from sourceapis import FLICKR_LICENCES, FakeCommons, FakeFlickr, Fakes, serving_fakes

from attribution.errors import SourceLookupError
from attribution.fetch.settings import FetchSettings
from attribution.fetch.sourceapis import ApiClient, pace_for, reset_paces_for_tests

# A server that checks pages for others: no private target. The endpoint still works.
SETTINGS = FetchSettings(
    private_targets=False, connect_timeout=2.0, read_timeout=5.0, total_timeout=15.0
)
FAST = 1000.0  # requests a second: the pace out of the way of the tests that are not about it
# The server's clock and the client's are the same (time.monotonic), but a hold of one
# second starts when the client reads the answer, after the server logged it.
SECOND = 0.999

COMMONS_QUERY = {
    "action": "query",
    "prop": "imageinfo",
    "iiprop": "extmetadata|url",
    "format": "json",
    "formatversion": "2",
}


@pytest.fixture(autouse=True)
def fresh_paces() -> Iterator[None]:
    reset_paces_for_tests()
    yield
    reset_paces_for_tests()


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    with serving_fakes() as both:
        yield both


def commons_client(fake: FakeCommons, **options: float) -> ApiClient:
    options.setdefault("per_second", FAST)
    return ApiClient("Wikimedia Commons", fake.url, SETTINGS, **options)  # type: ignore[arg-type]


def flickr_client(fake: FakeFlickr, **options: float) -> ApiClient:
    options.setdefault("per_second", FAST)
    return ApiClient("Flickr", fake.url, SETTINGS, **options)  # type: ignore[arg-type]


def add_harbour(fake: FakeCommons) -> None:
    fake.add_file(
        "File:Harbour at dawn.jpg",
        licence_short_name="CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0",
        artist_html='<a href="//commons.wikimedia.org/wiki/User:Ann">Ann Example</a>',
        credit_html="<span>Own work</span>",
        usage_terms="Creative Commons Attribution-Share Alike 4.0",
    )


def flickr_params(fake: FakeFlickr, method: str, **more: str) -> dict[str, str]:
    return {
        "method": method,
        "api_key": fake.api_key,
        "format": "json",
        "nojsoncallback": "1",
        **more,
    }


def wait_for(condition: object, timeout: float = 10.0) -> None:
    """Poll ``condition`` (a callable) until it holds; fail after ``timeout``."""
    end = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < end, "the condition never held"
        time.sleep(0.01)


# --- answers read ---------------------------------------------------------------------------


def test_commons_imageinfo_is_read_with_normalised_missing_and_invalid_titles(
    fakes: Fakes,
) -> None:
    add_harbour(fakes.commons)
    fakes.commons.add_file(
        "File:Gone.jpg",
        licence_short_name="CC0",
        licence_url="",
        artist_html="Someone",
        credit_html="",
        usage_terms="",
    )
    fakes.commons.delete_file("File:Gone.jpg")
    titles = "File:Harbour_at_dawn.jpg|File:Gone.jpg|File:Never.jpg|File:Bad<name>.jpg"
    with commons_client(fakes.commons) as client:
        answer = client.get_json({**COMMONS_QUERY, "titles": titles})
    assert answer["batchcomplete"] is True
    query = answer["query"]
    assert query["normalized"] == [
        {"fromencoded": False, "from": "File:Harbour_at_dawn.jpg", "to": "File:Harbour at dawn.jpg"}
    ]
    found, gone, never, bad = query["pages"]
    assert found["ns"] == 6 and found["title"] == "File:Harbour at dawn.jpg"
    info = found["imageinfo"][0]
    assert info["url"].startswith("https://upload.wikimedia.org/wikipedia/commons/")
    assert info["url"].endswith("/Harbour_at_dawn.jpg")
    assert info["descriptionurl"] == "https://commons.wikimedia.org/wiki/File:Harbour_at_dawn.jpg"
    assert info["descriptionshorturl"].startswith(
        "https://commons.wikimedia.org/w/index.php?curid="
    )
    metadata = info["extmetadata"]
    assert metadata["LicenseShortName"] == {"value": "CC BY-SA 4.0", "source": "commons-desc-page"}
    assert metadata["Artist"]["value"].startswith("<a href=")
    assert metadata["AttributionRequired"]["value"] == "true"
    assert metadata["DateTime"]["hidden"] is True
    assert gone == {"ns": 6, "title": "File:Gone.jpg", "missing": True, "known": False}
    assert never["missing"] is True
    assert bad["invalid"] is True and '"<"' in bad["invalidreason"]
    assert fakes.commons.count("File:Harbour_at_dawn.jpg") == 1


def test_commons_gives_only_the_extmetadata_fields_asked_for(fakes: Fakes) -> None:
    add_harbour(fakes.commons)
    params = {
        **COMMONS_QUERY,
        "titles": "File:Harbour at dawn.jpg",
        "iiextmetadatafilter": "LicenseShortName|LicenseUrl|Artist",
    }
    with commons_client(fakes.commons) as client:
        answer = client.get_json(params)
    page = answer["query"]["pages"][0]
    assert "normalized" not in answer["query"]
    assert set(page["imageinfo"][0]["extmetadata"]) == {"LicenseShortName", "LicenseUrl", "Artist"}


def test_flickr_methods_and_their_errors(fakes: Fakes) -> None:
    flickr = fakes.flickr
    flickr.add_photo(
        "5300",
        licence_id=4,
        owner_nsid="12037949754@N01",
        username="bees",
        realname="Ann Example",
        path_alias="annex",
        posted=1_600_000_000,
    )
    flickr.add_photo(
        "5301",
        licence_id=0,
        owner_nsid="1@N01",
        username="b",
        realname="",
        path_alias="",
        posted=1_600_000_000,
    )
    with flickr_client(flickr) as client:
        info = client.get_json(flickr_params(flickr, "flickr.photos.getInfo", photo_id="5300"))
        assert info["stat"] == "ok"
        photo = info["photo"]
        assert photo["license"] == "4"
        assert photo["owner"]["realname"] == "Ann Example"
        assert photo["dates"]["posted"] == "1600000000"
        assert photo["urls"]["url"][0]["_content"] == "https://www.flickr.com/photos/annex/5300/"

        history = client.get_json(
            flickr_params(flickr, "flickr.photos.licenses.getLicenseHistory", photo_id="5300")
        )
        assert history["license_history"] == [
            {
                "date_change": 1_600_000_000,
                "old_license": "Attribution License",
                "old_license_url": "https://creativecommons.org/licenses/by/2.0/",
                "new_license": "",
                "new_license_url": "",
            }
        ]
        flickr.change_licence("5300", 0, at=1_700_000_000)
        history = client.get_json(
            flickr_params(flickr, "flickr.photos.licenses.getLicenseHistory", photo_id="5300")
        )
        (change,) = history["license_history"]
        assert change["date_change"] == 1_700_000_000
        assert (change["old_license"], change["new_license"]) == (
            "Attribution License",
            "All Rights Reserved",
        )

        licences = client.get_json(flickr_params(flickr, "flickr.photos.licenses.getInfo"))
        listed = licences["licenses"]["license"]
        assert [entry["id"] for entry in listed] == list(range(len(FLICKR_LICENCES)))
        assert {
            "id": 11,
            "name": "CC BY 4.0",
            "url": "https://creativecommons.org/licenses/by/4.0/",
        } in listed

        flickr.make_private("5300")
        private = client.get_json(flickr_params(flickr, "flickr.photos.getInfo", photo_id="5300"))
        assert (private["stat"], private["code"]) == ("fail", 2)
        flickr.delete_photo("5301")
        deleted = client.get_json(flickr_params(flickr, "flickr.photos.getInfo", photo_id="5301"))
        assert (deleted["stat"], deleted["code"], deleted["message"]) == (
            "fail",
            1,
            "Photo not found",
        )
        wrong_key = {**flickr_params(flickr, "flickr.photos.getInfo"), "api_key": "nope"}
        assert client.get_json(wrong_key)["code"] == 100
    assert flickr.count("flickr.photos.getInfo") == 4
    assert flickr.count("flickr.photos.getInfo", "5300") == 2
    assert flickr.count("flickr.photos.licenses.getLicenseHistory") == 2


def test_parameters_are_url_encoded_and_the_request_says_who_asks() -> None:
    server = FaultServer()
    seen: dict[str, object] = {}

    def route(exchange: object) -> None:
        seen["path"] = exchange.path  # type: ignore[attr-defined]
        seen["headers"] = exchange.headers  # type: ignore[attr-defined]
        exchange.send(b'{"ok": true}', "application/json")  # type: ignore[attr-defined]

    server.routes["/api"] = route
    try:
        with ApiClient("Test API", server.url("/api"), SETTINGS, per_second=FAST) as client:
            assert client.get_json({"titles": "File:A b.jpg|File:C&D=é.jpg"}) == {"ok": True}
    finally:
        server.close()
    assert seen["path"] == "/api?titles=File%3AA+b.jpg%7CFile%3AC%26D%3D%C3%A9.jpg"
    headers = seen["headers"]
    assert isinstance(headers, dict)
    assert headers["accept"] == "application/json"
    assert headers["user-agent"] == SETTINGS.user_agent


# --- being asked to wait --------------------------------------------------------------------


def test_retry_after_is_waited_by_every_client_of_the_endpoint(fakes: Fakes) -> None:
    add_harbour(fakes.commons)
    params = {**COMMONS_QUERY, "titles": "File:Harbour at dawn.jpg"}
    fakes.commons.fail_next(1, 429, "1")
    with (
        commons_client(fakes.commons) as first,
        commons_client(fakes.commons) as second,
        ThreadPoolExecutor(2) as pool,
    ):
        asked_first = pool.submit(first.get_json, params)
        # The second client asks once the first has been told to wait (the endpoint's
        # next turn is then a second after the 429, and stays so).
        pace = pace_for(fakes.commons.url)
        wait_for(
            lambda: (
                bool(fakes.commons.requests)
                and pace.next_turn() >= fakes.commons.requests[0].at + SECOND
            )
        )
        asked_second = pool.submit(second.get_json, params)
        assert asked_first.result()["query"]["pages"][0]["title"] == "File:Harbour at dawn.jpg"
        assert asked_second.result()["query"]["pages"][0]["title"] == "File:Harbour at dawn.jpg"
    throttled, *after = fakes.commons.requests
    assert throttled.status == 429
    assert [request.status for request in after] == [200, 200]
    assert all(request.at - throttled.at >= SECOND for request in after)


def test_retry_after_as_an_http_date(fakes: Fakes) -> None:
    fakes.commons.fail_next(1, 503, email.utils.formatdate(time.time() + 2, usegmt=True))
    with commons_client(fakes.commons) as client:
        client.get_json({**COMMONS_QUERY, "titles": "File:X.jpg"})
    throttled, again = fakes.commons.requests
    assert (throttled.status, again.status) == (503, 200)
    assert again.at - throttled.at >= SECOND  # an HTTP date is whole seconds: at least 1 s


def test_a_wait_longer_than_max_wait_is_not_waited_and_holds_the_endpoint(fakes: Fakes) -> None:
    fakes.commons.fail_next(1, 429, "120")
    params = {**COMMONS_QUERY, "titles": "File:X.jpg"}
    with commons_client(fakes.commons, max_wait=5) as client:
        with pytest.raises(SourceLookupError) as raised:
            client.get_json(params)
        assert raised.value.service == "Wikimedia Commons"
        assert raised.value.reason.startswith("asked to wait 120 s (HTTP 429)")
        assert "more than the 5 s waited for" in raised.value.reason
    # Nobody in the process asks the endpoint again before the two minutes are up.
    with (
        commons_client(fakes.commons, max_wait=5) as other,
        pytest.raises(SourceLookupError, match="the API is busy"),
    ):
        other.get_json(params)
    assert len(fakes.commons.requests) == 1


def test_a_wait_past_the_deadline_is_not_waited(fakes: Fakes) -> None:
    fakes.flickr.fail_next(1, 429, "5")
    with (
        flickr_client(fakes.flickr) as client,
        pytest.raises(SourceLookupError, match=r"asked to wait 5 s \(HTTP 429\).*deadline"),
    ):
        client.get_json(
            flickr_params(fakes.flickr, "flickr.photos.licenses.getInfo"),
            deadline=time.monotonic() + 2,
        )
    assert fakes.flickr.count() == 1


def test_asked_again_only_once(fakes: Fakes) -> None:
    fakes.flickr.fail_next(2, 429, "1")
    with (
        flickr_client(fakes.flickr) as client,
        pytest.raises(SourceLookupError, match=r"asked to wait 1 s \(HTTP 429\), again"),
    ):
        client.get_json(flickr_params(fakes.flickr, "flickr.photos.licenses.getInfo"))
    first, second = fakes.flickr.requests
    assert (first.status, second.status) == (429, 429)
    assert second.at - first.at >= SECOND


def test_without_retry_after_the_client_backs_off(fakes: Fakes) -> None:
    fakes.flickr.fail_next(1, 503, None)
    with flickr_client(fakes.flickr) as client:
        answer = client.get_json(flickr_params(fakes.flickr, "flickr.photos.licenses.getInfo"))
    assert answer["stat"] == "ok"
    throttled, again = fakes.flickr.requests
    assert (throttled.status, again.status) == (503, 200)
    assert again.at - throttled.at >= SECOND  # the first back-off is a second


def test_maxlag_is_waited_like_429(fakes: Fakes) -> None:
    add_harbour(fakes.commons)
    fakes.commons.maxlag_next(1, retry_after="1")
    params = {**COMMONS_QUERY, "titles": "File:Harbour at dawn.jpg", "maxlag": "5"}
    with commons_client(fakes.commons) as client:
        answer = client.get_json(params)
    assert "error" not in answer
    lagged, again = fakes.commons.requests
    assert (lagged.status, again.status) == (200, 200)
    assert again.at - lagged.at >= SECOND


def test_a_long_maxlag_is_not_waited(fakes: Fakes) -> None:
    fakes.commons.maxlag_next(1, retry_after="90")
    with (
        commons_client(fakes.commons, max_wait=10) as client,
        pytest.raises(SourceLookupError, match=r"asked to wait 90 s \(MediaWiki maxlag\)"),
    ):
        client.get_json({**COMMONS_QUERY, "titles": "File:X.jpg", "maxlag": "5"})
    assert fakes.commons.count() == 1


# --- the pace -------------------------------------------------------------------------------


def test_requests_to_one_endpoint_are_paced_across_clients_and_threads(fakes: Fakes) -> None:
    params = flickr_params(fakes.flickr, "flickr.photos.licenses.getInfo")
    clients = [flickr_client(fakes.flickr, per_second=4) for _ in range(2)]
    before = time.monotonic()  # before the first turn is taken
    try:
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda n: clients[n % 2].get_json(params), range(4)))
    finally:
        for client in clients:
            client.close()
    assert all(answer["stat"] == "ok" for answer in answers)
    # The k-th turn starts a quarter of a second after the one before it, so the k-th
    # request to arrive came at least k quarters after the first turn could start (a
    # lower bound only: a busy machine delays requests, it cannot hasten them).
    arrivals = sorted(request.at for request in fakes.flickr.requests)
    assert len(arrivals) == 4
    assert all(at - before >= 0.249 * k for k, at in enumerate(arrivals))


def test_a_turn_after_the_deadline_says_the_api_is_busy(fakes: Fakes) -> None:
    params = flickr_params(fakes.flickr, "flickr.photos.licenses.getInfo")
    with flickr_client(fakes.flickr, per_second=0.05) as client:  # one request in 20 s
        client.get_json(params)
        with pytest.raises(SourceLookupError, match=r"the API is busy.*after the deadline"):
            client.get_json(params, deadline=time.monotonic() + 1)
    assert fakes.flickr.count() == 1


def test_another_endpoint_has_its_own_pace(fakes: Fakes) -> None:
    fakes.commons.fail_next(1, 429, "600")
    with commons_client(fakes.commons) as client, pytest.raises(SourceLookupError):
        client.get_json({**COMMONS_QUERY, "titles": "File:X.jpg"})
    with flickr_client(fakes.flickr) as client:
        assert client.get_json(flickr_params(fakes.flickr, "flickr.photos.licenses.getInfo"))


# --- failures -------------------------------------------------------------------------------


def test_a_slow_answer_is_a_timeout(fakes: Fakes) -> None:
    fakes.commons.delay_next(1, 30)  # the fake's stop wakes it: the suite does not wait
    settings = FetchSettings(private_targets=False, read_timeout=0.3, total_timeout=5)
    with (
        ApiClient("Wikimedia Commons", fakes.commons.url, settings, per_second=FAST) as client,
        pytest.raises(SourceLookupError, match="did not answer in time") as raised,
    ):
        client.get_json({**COMMONS_QUERY, "titles": "File:X.jpg"})
    assert "\n" not in raised.value.reason


def test_the_callers_deadline_bounds_the_request(fakes: Fakes) -> None:
    fakes.flickr.delay_next(1, 30)
    with (
        flickr_client(fakes.flickr) as client,
        pytest.raises(SourceLookupError, match="did not answer in time"),
    ):
        client.get_json(
            flickr_params(fakes.flickr, "flickr.photos.licenses.getInfo"),
            deadline=time.monotonic() + 0.5,
        )


def test_an_error_status_is_named(fakes: Fakes) -> None:
    fakes.commons.fail_next(1, 500, None)
    with commons_client(fakes.commons) as client, pytest.raises(SourceLookupError) as raised:
        client.get_json({**COMMONS_QUERY, "titles": "File:X.jpg"})
    assert raised.value.reason == "HTTP 500 Internal Server Error"
    assert fakes.commons.count() == 1
    with (
        ApiClient("Flickr", fakes.flickr.url + "nope/", SETTINGS) as client,
        pytest.raises(SourceLookupError, match="HTTP 404"),
    ):
        client.get_json({"method": "flickr.photos.getInfo"})


def test_a_json_p_answer_is_not_json(fakes: Fakes) -> None:
    params = flickr_params(fakes.flickr, "flickr.photos.licenses.getInfo")
    del params["nojsoncallback"]  # Flickr then wraps its JSON in jsonFlickrApi(…)
    with flickr_client(fakes.flickr) as client, pytest.raises(SourceLookupError) as raised:
        client.get_json(params)
    assert raised.value.reason == "the answer is not JSON (application/json)"
    assert raised.value.service == "Flickr"
    assert fakes.flickr.api_key not in str(raised.value)


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (
            b"<html><body>Maintenance</body></html>",
            "text/html",
            "the answer is not JSON (text/html)",
        ),
        (b"[1, 2, 3]", "application/json", "the answer is JSON but not an object (an array)"),
        (b'"text"', "application/json", "the answer is JSON but not an object (a string)"),
        (
            b"[" * 2000 + b"]" * 2000,
            "application/json",
            "the answer is not JSON (application/json)",
        ),
        (b"\xff\xfe\xfa", "application/json", "the answer is not JSON (application/json)"),
        (b"", "application/json", "an empty answer (HTTP 200)"),
        (
            json.dumps({"x": "y" * 5000}).encode(),
            "application/json",
            "larger than the 4 KiB a document may be",
        ),
    ],
)
def test_answers_that_cannot_be_read(body: bytes, content_type: str, reason: str) -> None:
    server = FaultServer()
    server.routes["/api"] = FaultServer.page(body, content_type)
    try:
        with (
            ApiClient(
                "Test API", server.url("/api"), SETTINGS, per_second=FAST, max_bytes=4096
            ) as client,
            pytest.raises(SourceLookupError) as raised,
        ):
            client.get_json({"q": "1"})
    finally:
        server.close()
    assert raised.value.reason == reason


def test_a_body_too_large_without_a_length_is_cut_off() -> None:
    server = FaultServer()
    server.routes["/api"] = FaultServer.endless("application/json")
    try:
        with (
            ApiClient("Test API", server.url("/api"), SETTINGS, max_bytes=64 * 1024) as client,
            pytest.raises(SourceLookupError, match="larger than the 64 KiB"),
        ):
            client.get_json({})
    finally:
        server.close()


def test_a_closed_port_is_connection_refused() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with (
        ApiClient("Flickr", f"http://127.0.0.1:{port}/services/rest/", SETTINGS) as client,
        pytest.raises(SourceLookupError) as raised,
    ):
        client.get_json({"method": "flickr.photos.getInfo"})
    assert raised.value.reason == "could not connect (connection refused)"


# --- the address policy ---------------------------------------------------------------------


def test_the_endpoint_on_loopback_works_without_private_targets(fakes: Fakes) -> None:
    assert SETTINGS.private_targets is False
    with flickr_client(fakes.flickr) as client:
        answer = client.get_json(flickr_params(fakes.flickr, "flickr.photos.licenses.getInfo"))
    assert answer["stat"] == "ok"


def test_a_redirect_is_not_followed_so_the_query_stays_with_the_api() -> None:
    target = FaultServer()
    target.routes["/api"] = FaultServer.page(b"{}", "application/json")
    server = FaultServer()
    server.routes["/api"] = FaultServer.redirect(target.url("/api", host="localhost"))
    try:
        with (
            ApiClient("Test API", server.url("/api"), SETTINGS, per_second=FAST) as client,
            pytest.raises(SourceLookupError, match="redirect, which is not followed") as refused,
        ):
            client.get_json({"api_key": "secret-key"})
        assert "secret-key" not in str(refused.value)
        assert not target.hits  # nothing reached the other host
    finally:
        server.close()
        target.close()
    assert target.hits.get("/api", 0) == 0


def test_stopping_the_fakes_ends_a_delayed_answer() -> None:
    with serving_fakes() as both:
        both.commons.delay_next(1, 60)
        done = threading.Event()

        def ask() -> None:
            settings = FetchSettings(private_targets=False, read_timeout=30, total_timeout=30)
            with (
                ApiClient("Wikimedia Commons", both.commons.url, settings) as client,
                pytest.raises(SourceLookupError),
            ):
                client.get_json({**COMMONS_QUERY, "titles": "File:X.jpg"})
            done.set()

        asking = threading.Thread(target=ask, daemon=True)
        asking.start()
        wait_for(lambda: both.commons._server is not None and len(both.commons._server.threads) > 0)
    # Leaving the block stopped the fake: the delayed answer was dropped, the client failed.
    asking.join(timeout=30)
    assert done.is_set()
