"""The watchdog that expires fetches at their deadlines: one thread for all of them."""

from __future__ import annotations

import multiprocessing
import socket
import time

from attribution.fetch.policy import AddressPolicy
from attribution.fetch.settings import FetchSettings
from attribution.fetch.transport import _KEPT_STOPPED, Fetch, Watchdog

# Long enough for any machine, however busy: the tests wait on events, never on clocks.
PATIENCE = 30.0


def fetch_due_in(seconds: float) -> Fetch:
    url = "http://example.com/story"
    policy = AddressPolicy.for_target(FetchSettings(), url)
    return Fetch(url, policy, time.monotonic() + seconds, budget=False)


def test_a_fetch_past_its_deadline_is_expired_and_its_sockets_shut_down() -> None:
    watchdog = Watchdog()
    fetch = fetch_due_in(0.05)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        watchdog.arm(fetch)
        fetch.register(ours)
        assert fetch.expired.wait(PATIENCE)
        assert ours.recv(1) == b""  # shut down for reading: no wait for the other end


def test_a_stopped_fetch_is_not_expired() -> None:
    watchdog = Watchdog()
    stopped, later = fetch_due_in(0.05), fetch_due_in(0.1)
    watchdog.arm(stopped)
    watchdog.arm(later)
    watchdog.disarm(stopped)
    # The watchdog takes deadlines in order: once the later one has passed, so has the first.
    assert later.expired.wait(PATIENCE)
    assert not stopped.expired.is_set()
    assert not stopped.armed and not later.armed


def test_a_sooner_deadline_wakes_the_watchdog_waiting_for_a_later_one() -> None:
    watchdog = Watchdog()
    distant, sooner = fetch_due_in(3600), fetch_due_in(0.05)
    watchdog.arm(distant)
    time.sleep(0.05)  # (the watchdog is asleep until the distant deadline)
    watchdog.arm(sooner)
    assert sooner.expired.wait(PATIENCE)
    assert not distant.expired.is_set()


def test_stopped_fetches_do_not_pile_up() -> None:
    watchdog = Watchdog()
    running = fetch_due_in(3600)
    watchdog.arm(running)
    for _ in range(20 * _KEPT_STOPPED):
        done = fetch_due_in(3600)
        watchdog.arm(done)
        watchdog.disarm(done)
    assert len(watchdog) <= _KEPT_STOPPED + 1
    assert running.armed


def test_a_fetch_armed_twice_is_held_once() -> None:
    watchdog = Watchdog()
    fetch = fetch_due_in(3600)
    watchdog.arm(fetch)
    watchdog.arm(fetch)
    assert len(watchdog) == 1
    watchdog.disarm(fetch)
    watchdog.disarm(fetch)
    assert not fetch.armed


def _expires_in_child(result: multiprocessing.queues.Queue[bool]) -> None:
    fetch = fetch_due_in(0.05)
    fetch.start()
    result.put(fetch.expired.wait(PATIENCE))


def test_a_forked_child_has_a_watchdog_of_its_own() -> None:
    parent = fetch_due_in(3600)
    parent.start()  # the process's watchdog thread runs, and is not copied by a fork
    try:
        context = multiprocessing.get_context("fork")
        result: multiprocessing.queues.Queue[bool] = context.Queue()
        child = context.Process(target=_expires_in_child, args=(result,))
        child.start()
        assert result.get(timeout=PATIENCE) is True
        child.join(PATIENCE)
        assert child.exitcode == 0
    finally:
        parent.stop()
