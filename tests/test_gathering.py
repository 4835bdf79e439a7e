"""Checked pages are gathered and recorded together while more are coming, and a page
never waits past the check's patience; the waiting thread says when it is waiting."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from test_parallel import PATIENCE, ScriptedChecker, targets

from attribution.app.gathering import PagesInHand
from attribution.app.outcomes import TargetOutcome
from attribution.app.parallel import check_in_parallel
from attribution.errors import TargetError


def page(name: str) -> TargetOutcome:
    return TargetOutcome(name, error=TargetError(name, "scripted"))


class Written:
    """What a recording function was given, call by call, and what was passed on."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.delivered: list[str] = []

    def record(self, outcomes: Sequence[TargetOutcome]) -> list[TargetOutcome]:
        self.calls.append([outcome.target for outcome in outcomes])
        return list(outcomes)

    def deliver(self, outcome: TargetOutcome) -> None:
        self.delivered.append(outcome.target)


def test_pages_are_recorded_together_when_there_are_enough() -> None:
    written = Written()
    in_hand = PagesInHand(written.record, written.deliver, most=3, patience=3600)
    for name in "abcdefg":
        in_hand.add(page(name))
    assert written.calls == [["a", "b", "c"], ["d", "e", "f"]]
    in_hand.waiting()  # "g" has not waited an hour
    assert written.calls == [["a", "b", "c"], ["d", "e", "f"]]
    in_hand.settle()
    assert written.calls[-1] == ["g"]
    assert written.delivered == list("abcdefg")
    in_hand.settle()  # nothing in hand: nothing written
    assert len(written.calls) == 3


def test_a_page_that_has_waited_long_enough_is_recorded_while_waiting() -> None:
    written = Written()
    in_hand = PagesInHand(written.record, written.deliver, most=64, patience=0)
    in_hand.add(page("a"))
    in_hand.add(page("b"))
    assert written.calls == []
    in_hand.waiting()
    assert written.calls == [["a", "b"]]
    assert written.delivered == ["a", "b"]


def test_the_waiting_thread_says_it_is_waiting_until_the_next_page_is_done() -> None:
    gates = {"https://news.example/1": threading.Event()}
    checker = ScriptedChecker(gates, [])
    told = threading.Event()

    def while_waiting() -> None:
        told.set()
        gates["https://news.example/1"].set()  # the slow page finishes once told

    names = [
        outcome.target
        for outcome in check_in_parallel(
            targets(3), lambda: checker, workers=2, while_waiting=while_waiting
        )
    ]
    assert told.wait(PATIENCE)
    assert names == [f"https://news.example/{n}" for n in range(3)]
