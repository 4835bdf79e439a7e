"""The politeness workers share through Redis (attribution/workers/gate.py): places and
spacing of one host across threads, processes and clients, a holder that dies, and the
shared robots.txt readings. Against a real Redis server (``ATTRIBUTION_TEST_REDIS_URL``,
by default on loopback); each test has a namespace of its own, deleted afterwards.

Times are compared on the Redis server's clock, the one the gate schedules by, and only
as lower bounds: a busy machine makes things later, never sooner.
"""

from __future__ import annotations

import inspect
import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from scansite import ScanSite

from attribution.app.discovery import Reader, RobotsReading
from attribution.app.parallel import MAX_SPACING_SECONDS, HostGate
from attribution.errors import ConfigError, SharedStateError, StorageError, UsageError
from attribution.fetch.session import make_session
from attribution.fetch.settings import FetchSettings
from attribution.workers.gate import (
    SharedHostGate,
    SharedRobotsCache,
    connect_shared_state,
    safe_redis_url,
)

REDIS_URL = os.environ.get("ATTRIBUTION_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# How long a test waits for something that must happen, before it gives up (a bound
# that holds under load, not a measure of speed).
PATIENCE = 30
ROOT = Path(__file__).resolve().parent.parent
HOST = "example.org"
URL = f"http://{HOST}/news/story.html"
SETTINGS = FetchSettings(retries=0, connect_timeout=5.0, total_timeout=10.0)


@pytest.fixture(scope="module")
def client() -> Iterator[redis.Redis]:
    try:
        found = connect_shared_state(REDIS_URL)
    except SharedStateError as error:
        pytest.skip(f"no Redis server to share state through: {error}")
    yield found
    found.close()


@pytest.fixture
def other_client(client: redis.Redis) -> Iterator[redis.Redis]:
    """A second client with connections of its own: another machine."""
    found = connect_shared_state(REDIS_URL)
    yield found
    found.close()


@pytest.fixture
def namespace(client: redis.Redis) -> Iterator[str]:
    name = f"attribution-test-{uuid.uuid4().hex}"
    yield name
    keys = list(client.scan_iter(match=f"{name}:*"))
    if keys:
        client.delete(*keys)


def server_us(client: redis.Redis) -> int:
    """The Redis server's time, in microseconds."""
    seconds, microseconds = client.time()
    return int(seconds) * 1_000_000 + int(microseconds)


def in_thread(work: Callable[[], None]) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


def python(code: str, *args: str, **options: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-c", code, *args], env=env, text=True, **options
    )


# --- the interface ------------------------------------------------------------------------


def test_the_shared_gate_offers_what_the_host_gate_does(client: redis.Redis) -> None:
    for name in ("set_delay", "interval", "hold", "hold_unspaced", "back_off"):
        assert inspect.signature(getattr(SharedHostGate, name)) == inspect.signature(
            getattr(HostGate, name)
        ), name
    public = {name for name in dir(HostGate) if not name.startswith("_")}
    assert public == {name for name in dir(SharedHostGate) if not name.startswith("_")}
    local = HostGate(3, 0.5, adaptive=True, covers_images=True)
    shared = SharedHostGate(client, 3, 0.5, adaptive=True, covers_images=True)
    attributes = ("per_host", "delay", "adaptive", "covers_images")
    assert {a: getattr(local, a) for a in attributes} == {a: getattr(shared, a) for a in attributes}
    assert {name for name in vars(shared) if not name.startswith("_")} == set(attributes)


# --- places -------------------------------------------------------------------------------


def test_threads_never_hold_more_places_than_per_host(client: redis.Redis, namespace: str) -> None:
    gate = SharedHostGate(client, 3, namespace=namespace)
    lock = threading.Lock()
    inside = peak = 0

    def fetch() -> None:
        nonlocal inside, peak
        for _ in range(5):
            with gate.hold(URL):
                with lock:
                    inside += 1
                    peak = max(peak, inside)
                threading.Event().wait(0.01)
                with lock:
                    inside -= 1

    started = [in_thread(fetch) for _ in range(10)]
    for thread, errors in started:
        thread.join(PATIENCE)
        assert not thread.is_alive() and errors == []
    assert 1 <= peak <= 3 and inside == 0
    assert client.zcard(f"{namespace}:host:{HOST}:places") == 0  # every place given back


def test_per_host_places_can_all_be_held_at_once(client: redis.Redis, namespace: str) -> None:
    gate = SharedHostGate(client, 3, namespace=namespace)
    together = threading.Barrier(3, timeout=PATIENCE)  # broken if one cannot get in

    def fetch() -> None:
        with gate.hold_unspaced(URL):
            together.wait()

    started = [in_thread(fetch) for _ in range(3)]
    for thread, errors in started:
        thread.join(PATIENCE)
        assert errors == []


def test_two_clients_share_one_place(
    client: redis.Redis, other_client: redis.Redis, namespace: str
) -> None:
    first = SharedHostGate(client, 1, namespace=namespace)
    second = SharedHostGate(other_client, 1, namespace=namespace)
    entered = threading.Event()

    def fetch() -> None:
        with second.hold(URL):
            entered.set()

    with first.hold(URL):
        thread, errors = in_thread(fetch)
        assert not entered.wait(0.5)  # never while the first client holds the place
    assert entered.wait(PATIENCE)
    thread.join(PATIENCE)
    assert errors == []


_HOLDER = """
import sys, threading, time, urllib.request
from attribution.workers.gate import SharedHostGate, connect_shared_state

url, namespace, page, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client = connect_shared_state(url)
client.incr(namespace + ":ready")
deadline = time.monotonic() + 30
while int(client.get(namespace + ":ready")) < 2:  # the two processes start together
    if time.monotonic() > deadline:
        sys.exit("the other process never came")
    time.sleep(0.01)
gate = SharedHostGate(client, 2, namespace=namespace)


def fetch():
    for _ in range(rounds):
        with gate.hold(page):
            # Counted inside the held block (a server counts an answer as in flight
            # until it has finished with it, which may be after the client has read it).
            client.rpush(namespace + ":inside", client.incr(namespace + ":holding"))
            urllib.request.urlopen(page, timeout=60).read()
            client.decr(namespace + ":holding")


threads = [threading.Thread(target=fetch) for _ in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
"""


def test_two_processes_never_hold_more_places_than_per_host(
    client: redis.Redis, namespace: str, scan_site_factory: Callable[..., ScanSite]
) -> None:
    site = scan_site_factory(2, latency=0.05)
    page = site.page_url(1)
    workers = [python(_HOLDER, REDIS_URL, namespace, page, "4") for _ in range(2)]
    for worker in workers:
        assert worker.wait(PATIENCE * 4) == 0
    assert site.count(site.page_path(1)) == 24  # two processes of three threads
    inside = [int(n) for n in client.lrange(f"{namespace}:inside", 0, -1)]
    assert len(inside) == 24 and 1 <= max(inside) <= 2


_VANISHING = """
import sys, time
from attribution.workers.gate import SharedHostGate, connect_shared_state

url, namespace, page = sys.argv[1:4]
client = connect_shared_state(url)
gate = SharedHostGate(client, 1, namespace=namespace, lease_seconds=2.0)
with gate.hold(page, spaced=False):
    ((token, expiry),) = client.zrange(namespace + ":host:example.org:places", 0, -1, withscores=True)
    print(int(expiry), flush=True)
    time.sleep(3600)
"""


def test_a_killed_holder_frees_its_place_when_its_lease_ends(
    client: redis.Redis, namespace: str
) -> None:
    holder = python(_VANISHING, REDIS_URL, namespace, URL, stdout=subprocess.PIPE)
    try:
        assert holder.stdout is not None
        line = holder.stdout.readline()
        assert line.strip().isdigit(), line
        lease_ends = int(line)
    finally:
        holder.send_signal(
            signal.SIGKILL
        )  # no finally of its own runs: the place is not given back
        holder.wait(PATIENCE)
    gate = SharedHostGate(client, 1, namespace=namespace)
    entered: list[int] = []

    def fetch() -> None:
        with gate.hold(URL):
            entered.append(server_us(client))

    thread, errors = in_thread(fetch)
    thread.join(PATIENCE)
    assert errors == [] and len(entered) == 1
    assert entered[0] >= lease_ends


def test_a_place_outlives_no_lease_and_its_keys_expire(client: redis.Redis, namespace: str) -> None:
    gate = SharedHostGate(client, 2, 0.01, namespace=namespace, lease_seconds=30.0)
    places, pace = f"{namespace}:host:{HOST}:places", f"{namespace}:host:{HOST}:pace"
    with gate.hold(URL):
        ((_, lease_ends),) = client.zrange(places, 0, -1, withscores=True)
        assert lease_ends <= server_us(client) + 30_000_000
        assert 0 < client.ttl(places) <= 86_400
    assert 0 < client.ttl(pace) <= 86_400
    assert client.exists(places) == 0  # the last place given back: nothing is left


def test_a_lease_starts_again_when_the_turn_comes(client: redis.Redis, namespace: str) -> None:
    gate = SharedHostGate(client, 1, namespace=namespace, lease_seconds=1.0)
    before = server_us(client)
    gate.back_off(URL)
    gate.back_off(URL)  # the next start is 2 s away, longer than the lease
    with gate.hold(URL):
        ((_, lease_ends),) = client.zrange(
            f"{namespace}:host:{HOST}:places", 0, -1, withscores=True
        )
    assert lease_ends >= before + 3_000_000  # the turn (2 s), then a whole lease


def test_hosts_have_places_and_pace_of_their_own(client: redis.Redis, namespace: str) -> None:
    gate = SharedHostGate(client, 1, namespace=namespace)
    entered = threading.Event()

    def fetch_other() -> None:
        with gate.hold("http://other.example.net/"):
            entered.set()

    with gate.hold(URL):
        thread, errors = in_thread(fetch_other)
        assert entered.wait(PATIENCE)
        thread.join(PATIENCE)
    assert errors == []
    for _ in range(8):
        gate.back_off(URL)
    assert gate.interval(HOST) == MAX_SPACING_SECONDS
    assert gate.interval("other.example.net") == 0.0


# --- spacing ------------------------------------------------------------------------------


def starts_of(gate: SharedHostGate, client: redis.Redis, count: int) -> list[int]:
    """When each of ``count`` concurrent holds of :data:`URL` began (server clock, µs)."""
    starts: list[int] = []

    def fetch() -> None:
        with gate.hold(URL):
            starts.append(server_us(client))

    started = [in_thread(fetch) for _ in range(count)]
    for thread, errors in started:
        thread.join(PATIENCE)
        assert not thread.is_alive() and errors == []
    return sorted(starts)


def assert_spaced(starts: list[int], before: int, seconds: float) -> None:
    """The k-th start (from 0) came at least k intervals after ``before``: each start
    waits for its turn, and the turns are an interval apart."""
    for k, start in enumerate(starts):
        assert start >= before + k * round(seconds * 1_000_000), (k, start - before)


def test_starts_to_one_host_are_spaced_by_the_delay(client: redis.Redis, namespace: str) -> None:
    gate = SharedHostGate(client, 3, 0.15, namespace=namespace)
    assert gate.interval(HOST) == 0.15
    before = server_us(client)
    assert_spaced(starts_of(gate, client, 5), before, 0.15)


def test_a_crawl_delay_set_by_one_gate_paces_another(
    client: redis.Redis, other_client: redis.Redis, namespace: str
) -> None:
    SharedHostGate(client, 2, namespace=namespace).set_delay("Example.ORG", 0.2)
    second = SharedHostGate(other_client, 2, 0.05, namespace=namespace)
    assert second.interval(HOST) == 0.2
    assert SharedHostGate(other_client, 2, 0.3, namespace=namespace).interval(HOST) == 0.3
    before = server_us(other_client)
    assert_spaced(starts_of(second, other_client, 4), before, 0.2)


def test_a_back_off_from_one_gate_pushes_the_others_next_start(
    client: redis.Redis, other_client: redis.Redis, namespace: str
) -> None:
    first = SharedHostGate(client, 2, namespace=namespace)
    second = SharedHostGate(other_client, 2, namespace=namespace)
    before = server_us(client)
    first.back_off(URL)
    assert second.interval(HOST) == 1.0
    (start,) = starts_of(second, other_client, 1)
    assert start >= before + 1_000_000
    first.back_off(URL)
    assert second.interval(HOST) == 2.0
    for _ in range(8):
        second.back_off(URL)
    assert first.interval(HOST) == MAX_SPACING_SECONDS


def test_response_times_and_back_off_are_followed_together_when_adaptive(
    client: redis.Redis, other_client: redis.Redis, namespace: str
) -> None:
    slow = SharedHostGate(client, 2, adaptive=True, namespace=namespace)
    with slow.hold(URL):
        threading.Event().wait(0.4)
    # The response time one worker saw slows every adaptive worker (0.4 s / 2 places).
    assert SharedHostGate(other_client, 2, adaptive=True, namespace=namespace).interval(HOST) >= 0.2
    assert SharedHostGate(other_client, 2, namespace=namespace).interval(HOST) == 0.0


def test_a_back_off_shrinks_as_the_host_answers(client: redis.Redis, namespace: str) -> None:
    pace = f"{namespace}:host:{HOST}:pace"
    gate = SharedHostGate(client, 4, adaptive=True, namespace=namespace)
    gate.back_off(URL)
    with SharedHostGate(client, 4, namespace=namespace).hold(URL):
        pass  # a gate that is not adaptive learns nothing, as HostGate
    assert client.hget(pace, "backoff") == b"1000000"
    for expected in (b"500000", b"250000", None):
        with gate.hold(URL):
            pass
        assert client.hget(pace, "backoff") == expected


# --- Redis that does not answer -----------------------------------------------------------


def test_a_redis_that_does_not_answer_is_named_without_its_password() -> None:
    with pytest.raises(SharedStateError) as caught:
        connect_shared_state("redis://worker:s3cret@127.0.0.1:1/0")
    message = str(caught.value)
    assert "redis://worker:***@127.0.0.1:1/0" in message and "s3cret" not in message
    assert isinstance(caught.value, StorageError)
    with pytest.raises(SharedStateError) as caught:
        connect_shared_state("redis://127.0.0.1:1/0?password=s3cret")
    assert "s3cret" not in str(caught.value)
    with pytest.raises(ConfigError, match="not a Redis URL"):
        connect_shared_state("http://127.0.0.1:6379/")
    assert (
        safe_redis_url("rediss://:pw@cache.internal:6380/2")
        == "rediss://:***@cache.internal:6380/2"
    )


def test_a_gate_whose_redis_goes_away_says_which() -> None:
    gone = redis.Redis(host="127.0.0.1", port=1, password="s3cret", socket_connect_timeout=1)
    gate = SharedHostGate(gone, 2)
    with (
        pytest.raises(SharedStateError, match=r"redis://127\.0\.0\.1:1/0") as caught,
        gate.hold(URL),
    ):
        pass
    assert "s3cret" not in str(caught.value)
    with pytest.raises(SharedStateError):
        gate.back_off(URL)
    with pytest.raises(SharedStateError):
        SharedRobotsCache(gone).get("https://example.org")


# --- the shared robots.txt readings -------------------------------------------------------


def reader(cache: SharedRobotsCache | None) -> Reader:
    return Reader(SETTINGS, make_session(SETTINGS), named_hosts={"127.0.0.1"}, robots_cache=cache)


def test_a_robots_txt_read_by_one_reader_is_not_fetched_by_another(
    client: redis.Redis,
    other_client: redis.Redis,
    namespace: str,
    scan_site_factory: Callable[..., ScanSite],
) -> None:
    site = scan_site_factory(2, crawl_delay=2.0)
    page, private = site.page_url(1), site.url("/private/staff-rota.html")
    first = reader(SharedRobotsCache(client, namespace))
    rules = first.rules_for(page)
    assert site.count("/robots.txt") == 1
    second = reader(SharedRobotsCache(other_client, namespace))
    again = second.rules_for(page)
    assert site.count("/robots.txt") == 1
    for url in (page, private):
        assert again.allows(url, "attribution") == rules.allows(url, "attribution")
    assert not again.allows(private, "attribution") and again.allows(page, "attribution")
    assert again.sitemaps() == rules.sitemaps() and again.sitemaps()
    assert again.crawl_delay("attribution") == rules.crawl_delay("attribution") == 2.0
    assert second.robots_problems == first.robots_problems == {}
    gate = SharedHostGate(client, 2, namespace=namespace)
    second.pace(gate)  # type: ignore[arg-type]
    assert gate.interval("127.0.0.1") == 2.0
    assert 0 < client.ttl(f"{namespace}:robots:{site.base}") <= 86_400
    without = reader(None)
    without.rules_for(page)  # without a cache, each reader reads it, as before
    assert site.count("/robots.txt") == 2


def test_a_robots_txt_the_server_could_not_give_is_kept_briefly_with_its_problem(
    client: redis.Redis, namespace: str, scan_site_factory: Callable[..., ScanSite]
) -> None:
    site = scan_site_factory(2, robots="503")
    origin = site.base
    first = reader(SharedRobotsCache(client, namespace))
    assert not first.rules_for(site.page_url(1)).allows(site.page_url(1), "attribution")
    second = reader(SharedRobotsCache(client, namespace))
    assert not second.rules_for(site.page_url(1)).allows(site.page_url(1), "attribution")
    assert site.count("/robots.txt") == 1
    assert second.robots_problems == first.robots_problems
    assert "HTTP 503" in second.robots_problems[origin]
    assert 0 < client.pttl(f"{namespace}:robots:{origin}") <= 300_000

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    unreadable = reader(SharedRobotsCache(client, namespace))
    assert not unreadable.rules_for(f"{closed}/news/").allows(f"{closed}/news/", "attribution")
    # A fetch that failed may be the reader's own failure: it is not shared.
    assert SharedRobotsCache(client, namespace).get(closed) is None
    later = reader(SharedRobotsCache(client, namespace))
    later.rules_for(f"{closed}/news/")
    assert later.robots_problems == unreadable.robots_problems
    assert "cannot be read allows nothing" in later.robots_problems[closed]


def test_a_robots_reading_survives_the_cache_whole(client: redis.Redis, namespace: str) -> None:
    cache = SharedRobotsCache(client, namespace)
    for reading in (
        RobotsReading(200, b"User-agent: *\nDisallow: /x\n\xff\x00"),
        RobotsReading(404),
        RobotsReading(failure="timed out"),
    ):
        cache.put("https://example.org", reading)
        assert cache.get("https://example.org") == reading
    assert 0 < client.pttl(f"{namespace}:robots:https://example.org") <= 300_000
    SharedRobotsCache(client, namespace, failure_lifetime_seconds=0).put(
        "https://example.net", RobotsReading(503)
    )
    assert cache.get("https://example.net") is None


def test_an_expired_robots_txt_reading_is_read_again(
    client: redis.Redis, namespace: str, scan_site_factory: Callable[..., ScanSite]
) -> None:
    site = scan_site_factory(2)
    cache = SharedRobotsCache(client, namespace, lifetime_seconds=0.3)
    reader(cache).rules_for(site.page_url(1))
    key = f"{namespace}:robots:{site.base}"
    gone = threading.Event()
    for _ in range(PATIENCE * 20):
        if client.exists(key) == 0:
            gone.set()
            break
        gone.wait(0.05)
    assert gone.is_set()
    assert cache.get(site.base) is None
    reader(cache).rules_for(site.page_url(1))
    assert site.count("/robots.txt") == 2


def test_a_robots_txt_reading_is_kept_at_most_a_day(client: redis.Redis) -> None:
    with pytest.raises(UsageError, match="RFC 9309"):
        SharedRobotsCache(client, "x", lifetime_seconds=86_401)
    assert RobotsReading(404).lasting and RobotsReading(200, b"").lasting
    assert not RobotsReading(429).lasting and not RobotsReading(503).lasting
    assert not RobotsReading(failure="timed out").lasting
