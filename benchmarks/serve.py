"""``attribution serve``: the time of ``POST /api/check`` for the example article
(its HTML sent with its address, no image files read, the check stored in SQLite),
beside ``GET /healthz`` of the same server in the same run, both sent one after the
other over one kept-alive connection on loopback. The issue's goal: check p50 <= 150 ms.

``BENCH_REQUESTS`` sets how many of each are sent (default 200).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "seed-article.html"
EXAMPLE_BASE = "https://www.news.example/2023/09/story"
GOAL_MS = 150.0


def _times(count: int, send: Callable[[], None]) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        send()
        times.append(time.perf_counter() - started)
    return sorted(times)


def _p(times: list[float], share: float) -> float:
    return times[min(len(times) - 1, int(len(times) * share))] * 1000


def bench_serve() -> None:
    """p50 and p90 of the check and of the bare endpoint, and their ratio."""
    import requests
    from webserver import running_server, web_profile  # tests/, on the path run.py sets

    count = int(os.environ.get("BENCH_REQUESTS", "200"))
    folder = Path(tempfile.mkdtemp(prefix="attribution-bench-"))
    body = {
        "html": EXAMPLE.read_text(encoding="utf-8"),
        "base_url": EXAMPLE_BASE,
        "read_images": False,
        "store": True,
    }
    with (
        running_server(web_profile(f"sqlite:///{folder}/serve.db")) as web,
        requests.Session() as session,
    ):
        check_url, health_url = web.url("/api/check"), web.url("/healthz")

        def check() -> None:
            answer = session.post(check_url, json=body, timeout=60)
            assert answer.status_code == 200, answer.text[:500]

        def bare() -> None:
            answer = session.get(health_url, timeout=60)
            assert answer.status_code == 200, answer.text[:500]

        for _ in range(5):  # warm: imports, the knowledge base, the parsing process
            check()
            bare()
        base = _times(count, bare)
        measured = _times(count, check)
    p50, p90 = _p(measured, 0.5), _p(measured, 0.9)
    base50, base90 = _p(base, 0.5), _p(base, 0.9)
    print(f"serve: {count} requests of each, one after the other, on loopback (SQLite)")
    print(f"  GET /healthz              : p50 {base50:7.1f} ms, p90 {base90:7.1f} ms")
    print(f"  POST /api/check (example) : p50 {p50:7.1f} ms, p90 {p90:7.1f} ms")
    print(f"  ratio p50 check/healthz: {p50 / base50:.1f}x")
    met = "met" if p50 <= GOAL_MS else "NOT met"
    print(f"  goal check p50 <= {GOAL_MS:.0f} ms: {met} ({p50:.1f} ms)")
