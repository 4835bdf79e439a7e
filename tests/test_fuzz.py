"""Hostile pages cannot hurt the checker: a smoke run of the fuzz harness (tests/fuzz).

A few thousand mutated pages go through ``attribution.pipeline.check_html`` in worker
processes; none may raise, crash a worker, break the report's invariants or run over
the page budget of CPU time. The long run is one command (see tests/fuzz/run.py):

    python -m tests.fuzz --count 100000 --jobs 2 --seed 1
"""

from __future__ import annotations

import os
import random

import pytest
from fuzz.corpus import FuzzInput, make_input, realpages_missing
from fuzz.generate import generate_document
from fuzz.mutators import MUTATORS, mutate
from fuzz.run import Settings, run_campaign

JOBS = max(1, min(2, os.cpu_count() or 1))
# A failing smoke stops after this many inputs over the budget (each costs the whole
# budget, and the test fails either way); exceptions are cheap and all are collected.
STOP_AFTER = 3
# The smoke keeps one in ten of the heavy mutations drawn (thousands of images, deep
# nesting, huge attributes): enough to meet each of them, few enough to stay quick.
HEAVY_SHARE = 0.1


def _assert_clean(settings: Settings) -> None:
    summary = run_campaign(settings)
    if summary.failures:
        pytest.fail("hostile pages hurt the checker:\n" + summary.format(), pytrace=False)
    assert summary.inputs == settings.count


def test_generated_pages_never_fail() -> None:
    _assert_clean(
        Settings(
            seed=20240517,
            count=800,
            jobs=JOBS,
            source="generated",
            stop_after=STOP_AFTER,
            heavy_share=HEAVY_SHARE,
        )
    )


def test_mutated_real_pages_never_fail() -> None:
    missing = realpages_missing()
    if missing:
        pytest.skip(f"real-page fuzzing skipped: {missing}")
    _assert_clean(
        Settings(
            seed=20240518,
            count=1200,
            jobs=JOBS,
            source="real",
            stop_after=STOP_AFTER,
            heavy_share=HEAVY_SHARE,
        )
    )


def test_inputs_are_deterministic() -> None:
    for index in (0, 1, 17, 999):
        first = make_input(5, index, "generated")
        second = make_input(5, index, "generated")
        assert (first.data, first.base_url, first.recipe) == (
            second.data,
            second.base_url,
            second.recipe,
        )
    assert make_input(5, 0, "generated").data != make_input(6, 0, "generated").data


@pytest.mark.parametrize("name", sorted(MUTATORS))
def test_each_mutation_is_pure_and_bounded(name: str) -> None:
    page = generate_document(random.Random(3))
    for seed in range(20):
        once = MUTATORS[name](page, random.Random(seed))
        again = MUTATORS[name](page, random.Random(seed))
        assert once == again
        assert len(once) <= len(page) + 5 * 1024 * 1024
    changed = [mutate(page, random.Random(seed), [name])[0] != page for seed in range(20)]
    assert any(changed), f"{name} never changes the page"


def test_a_worker_that_dies_is_replaced_and_its_input_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses
    import multiprocessing
    import signal

    from fuzz import run

    import attribution.pipeline

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs the fork start method (the workers inherit the patched check)")
    real_check, real_run_one = attribution.pipeline.check_html, run.run_one

    def check_html(html: bytes, base_url: str, **options: object) -> object:
        if html == b"<crash>":
            os.kill(os.getpid(), signal.SIGKILL)  # as the kernel does out of memory
        while html == b"<hang>":  # a loop that only the CPU timer ends
            pass
        return real_check(html, base_url)

    def run_one(fuzz_input: FuzzInput, budget: float) -> run.Outcome:
        data = {3: b"<crash>", 5: b"<hang>"}.get(fuzz_input.index, fuzz_input.data)
        return real_run_one(dataclasses.replace(fuzz_input, data=data), budget)

    monkeypatch.setattr(attribution.pipeline, "check_html", check_html)
    monkeypatch.setattr(run, "run_one", run_one)
    settings = Settings(
        seed=1, count=8, jobs=2, source="generated", budget=0.5, start_method="fork"
    )
    summary = run_campaign(settings)
    assert summary.inputs == 8
    assert {(f.key, f.status) for f in summary.failures} == {
        ("1:3", "crash"),
        ("1:5", "over-budget"),
    }
    crash = next(f for f in summary.failures if f.status == "crash")
    assert "SIGKILL" in crash.message
