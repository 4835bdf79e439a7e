"""Shrink a failing input while it still fails the same way (delta debugging over bytes):
``python -m tests.fuzz --minimize SEED:INDEX``."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .corpus import FuzzInput
from .run import Outcome, Settings, _realpages_for, install_timer, run_one


def shrink(data: bytes, fails: Callable[[bytes], bool], max_tries: int = 4000) -> bytes:
    """The smallest input found by removing chunks of ``data`` while ``fails`` holds."""
    parts = 2
    tries = 0
    while len(data) >= 2 and tries < max_tries:
        chunk = -(-len(data) // parts)
        for start in range(0, len(data), chunk):
            candidate = data[:start] + data[start + chunk :]
            tries += 1
            if fails(candidate):
                data = candidate
                parts = max(parts - 1, 2)
                break
            if tries >= max_tries:
                break
        else:
            if parts >= len(data):
                break
            parts = min(len(data), parts * 2)
    return data


def minimize_input(fuzz_input: FuzzInput, budget: float, max_tries: int = 4000) -> bytes:
    """The input shrunk while it keeps its status, exception type and location (over-
    budget inputs are not shrunk: each try would cost the budget)."""
    install_timer()
    target = run_one(fuzz_input, budget)
    if target.status in ("ok", "over-budget", "crash"):
        return fuzz_input.data

    def fails(candidate: bytes) -> bool:
        outcome: Outcome = run_one(replace(fuzz_input, data=candidate), budget)
        return outcome.kind == target.kind

    return shrink(fuzz_input.data, fails, max_tries)


def minimize_key(key: str, settings: Settings) -> int:
    warnings.simplefilter("ignore")
    seed_text, _, index_text = key.partition(":")
    settings = replace(settings, seed=int(seed_text))
    fuzz_input = settings.make(int(index_text), _realpages_for(settings))
    budget = min(settings.budget, 5.0)
    install_timer()
    outcome = run_one(fuzz_input, budget)
    print(
        f"input {key}: {len(fuzz_input.data)} bytes, {outcome.status} {outcome.error_type}"
        f" at {outcome.where}"
    )
    if outcome.status in ("ok", "over-budget", "crash"):
        print("nothing to minimize: only exceptions and invariant violations are shrunk")
        return 0 if outcome.status == "ok" else 1
    small = minimize_input(fuzz_input, budget)
    print(f"minimized to {len(small)} bytes (base URL {fuzz_input.base_url}):")
    if len(small) <= 2000:
        print(repr(small))
    else:
        path = Path(tempfile.mkdtemp(prefix="attribution-fuzz-")) / f"{key.replace(':', '-')}.html"
        path.write_bytes(small)
        print(f"written to {path}; it begins {small[:200]!r}")
    return 1
