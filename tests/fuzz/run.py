"""Run fuzz inputs through the page pipeline in worker processes.

Each input is checked with :func:`attribution.pipeline.check_html` (no network, no image
files read) in a worker process, under a CPU budget: an ``ITIMER_PROF`` timer interrupts
an input that runs over it, and a CPU rlimit ends a worker stuck in C code past twice
the budget. A worker that dies (a crash, the memory limit) is replaced and its input
recorded. Per input the CPU time and the peak resident memory above the worker's size
before the input are measured (Linux: the peak is reset before each input through
``/proc/self/clear_refs``; elsewhere ``ru_maxrss`` growth).

    python -m tests.fuzz --count 100000 --jobs 2 --seed 1
    python -m tests.fuzz --reproduce 1:4242 --write-input /tmp/page.html
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import json
import multiprocessing
import multiprocessing.connection
import os
import resource
import signal
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from .corpus import SOURCES, FuzzInput, RealPage, load_realpages, make_input, realpages_root

# ---- one input -----------------------------------------------------------------------------


class BudgetExceeded(BaseException):
    """Raised by the CPU timer: a BaseException, so that no ``except Exception`` in the
    code under test swallows it."""


def _on_cpu_timer(signum: int, frame: FrameType | None) -> None:
    raise BudgetExceeded


@dataclass
class Outcome:
    """What one input did. ``status`` is "ok", "exception", "over-budget", "crash" or
    "invariant"; ``cpu`` is seconds of CPU time, ``memory`` the peak resident KiB above
    the worker's size before the input, ``peak`` the worker's peak resident KiB."""

    key: str
    recipe: str
    size: int
    status: str = "ok"
    cpu: float = 0.0
    memory: int = 0
    peak: int = 0
    images: int = 0
    error_type: str = ""
    where: str = ""
    deepest: str = ""
    path: str = ""
    message: str = ""
    traceback: str = ""
    restart: bool = False

    @property
    def kind(self) -> tuple[str, str, str]:
        """What makes two failures the same failure: status, exception type and the
        innermost frame of the project's code."""
        if self.status == "over-budget":
            return (self.status, "", "")
        return (self.status, self.error_type, self.where)


def _short(filename: str) -> str:
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", "/attribution/", "/lib/python"):
        at = path.rfind(marker)
        if at >= 0:
            rest = path[at + 1 :] if marker == "/attribution/" else path[at + len(marker) :]
            return rest.split("/", 1)[1] if marker == "/lib/python" and "/" in rest else rest
    return "/".join(path.rsplit("/", 2)[-2:])


def _locations(tb: TracebackType | None) -> tuple[str, str, str]:
    """(innermost frame in the project's code, innermost frame of all, the chain of the
    project's functions from the outside in, repetitions counted), as
    "path:line in function"."""
    frames = [
        f for f in traceback.extract_tb(tb) if "/tests/fuzz/" not in f.filename.replace("\\", "/")
    ]
    ours = [f for f in frames if "/attribution/" in f.filename.replace("\\", "/")]

    def name(frame: traceback.FrameSummary | None) -> str:
        return f"{_short(frame.filename)}:{frame.lineno} in {frame.name}" if frame else ""

    chain: list[list[Any]] = []
    for frame in ours:
        if chain and chain[-1][0] == frame.name:
            chain[-1][1] += 1
        else:
            chain.append([frame.name, 1])
    path = " > ".join(f"{n}x{c}" if c > 1 else str(n) for n, c in chain)
    return name(ours[-1] if ours else None), name(frames[-1] if frames else None), path


def _rss_kib() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> bool:
    """Reset the peak resident size of this process (Linux), if possible."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


def _peak_kib() -> int:
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu_backstop(budget: float) -> None:
    """Let the kernel end this process (SIGXCPU) should an input hold the CPU in C code,
    where the timer's signal cannot interrupt it, for twice the budget."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    soft = int(used.ru_utime + used.ru_stime + 2 * budget + 10)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def check_invariants(result: object, base_url: str) -> str | None:
    """What is wrong with a page's result, or None: every image URL is http(s) (or a
    local file for a page read from a local file), and the JSON report can be written."""
    from attribution.records import PageResult, Profile
    from attribution.serialize import check_json

    if not isinstance(result, PageResult):
        return f"check_html returned {type(result).__name__}, not a PageResult"
    on_the_web = base_url.lower().startswith(("http://", "https://"))
    for item in result.images:
        src = item.image.src
        scheme = src.split(":", 1)[0].lower() if ":" in src else ""
        if scheme not in ("http", "https", "file"):
            return f"an image URL that is not http(s): {src[:80]!r}"
        if scheme == "file" and on_the_web:
            return f"a web page's image is a local file the checker would read: {src[:80]!r}"
    try:
        json.dumps(check_json([result], Profile()), ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as error:  # UnicodeEncodeError is a ValueError
        return f"the JSON report cannot be written: {type(error).__name__}: {str(error)[:120]}"
    return None


def run_one(fuzz_input: FuzzInput, budget: float) -> Outcome:
    """Check one input under the CPU budget (in this process; the CPU timer's handler
    must be installed, see :func:`install_timer`)."""
    from attribution.pipeline import check_html

    outcome = Outcome(fuzz_input.key, fuzz_input.recipe, len(fuzz_input.data))
    before = _rss_kib()
    reset = _reset_peak()
    peak_before = _peak_kib()
    problem: str | None = None
    error: BaseException | None = None
    started = time.process_time()
    try:
        try:
            signal.setitimer(signal.ITIMER_PROF, budget, 1.0)
            result = check_html(fuzz_input.data, fuzz_input.base_url, encoding=fuzz_input.encoding)
            outcome.cpu = time.process_time() - started
            problem = check_invariants(result, fuzz_input.base_url)
            outcome.images = len(getattr(result, "images", ()))
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
    except BudgetExceeded as raised:
        outcome.status = "over-budget"
        outcome.restart = True
        error = raised
    except MemoryError as raised:
        outcome.status = "exception"
        outcome.restart = True
        error = raised
    except BaseException as raised:  # anything the checker raises is a finding
        outcome.status = "exception"
        error = raised
    if not outcome.cpu:
        outcome.cpu = time.process_time() - started
    peak = _peak_kib()
    outcome.peak = peak
    outcome.memory = max(0, peak - before) if reset else max(0, peak - peak_before)
    if error is not None:
        outcome.where, outcome.deepest, outcome.path = _locations(error.__traceback__)
        outcome.error_type = type(error).__name__
        outcome.message = str(error)[:300]
        outcome.traceback = "".join(traceback.format_exception(error, limit=-40))[-6000:]
        error = None  # drop the frames (and the page) before the next input
    elif problem is not None:
        outcome.status = "invariant"
        outcome.error_type = "InvariantViolation"
        outcome.message = problem
    if outcome.cpu >= budget and outcome.status != "over-budget":
        outcome.status = "over-budget"
        outcome.message = (outcome.message or "finished") + f" after {outcome.cpu:.1f} s"
    return outcome


def install_timer() -> None:
    """Make the CPU timer raise :class:`BudgetExceeded` in this process."""
    signal.signal(signal.SIGPROF, _on_cpu_timer)


# ---- the worker processes -------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """One fuzz run. The same seed, source and real pages give the same inputs."""

    seed: int = 1
    count: int = 1000
    start: int = 0
    jobs: int = 2
    budget: float = 20.0
    source: str = "mixed"
    realpages: Path | None = None
    memory_limit_mb: int = 3072
    save_failures: Path | None = None
    progress_every: float = 15.0
    stop_after: int | None = None  # inputs over the budget (or crashes) that end the run
    start_method: str | None = None
    indexes: tuple[int, ...] | None = None  # these inputs instead of count from start
    heavy_share: float = 1.0  # the share of heavy mutations kept (see corpus.HEAVY)

    def make(self, index: int, realpages: tuple[RealPage, ...]) -> FuzzInput:
        """The input number ``index`` of this run."""
        return make_input(self.seed, index, self.source, realpages, self.heavy_share)


def _realpages_for(settings: Settings) -> tuple[RealPage, ...]:
    if settings.source == "generated":
        return ()
    root = settings.realpages or realpages_root()
    if settings.source == "mixed" and not (root / "pages.jsonl").is_file():
        return ()
    return load_realpages(root)


def _worker(
    connection: multiprocessing.connection.Connection,
    parents_end: multiprocessing.connection.Connection,
    settings: Settings,
) -> None:
    parents_end.close()  # so that the parent's death reads as the end of the pipe
    parent = os.getppid()
    warnings.simplefilter("ignore")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run
    install_timer()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if settings.memory_limit_mb:
        limit = settings.memory_limit_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    realpages = _realpages_for(settings)
    from attribution.pipeline import check_html

    check_html(b"<html><body><img src=a.jpg></body></html>", "https://example.com/")  # warm up
    while True:
        try:
            while not connection.poll(1.0):
                if os.getppid() != parent:
                    return  # the run was stopped: no one will read what this worker does
            index = connection.recv()
        except (EOFError, OSError):
            return
        if index is None:
            return
        try:
            fuzz_input = settings.make(index, realpages)
        except Exception as error:  # a fault of the harness, not of the checker
            outcome = Outcome(f"{settings.seed}:{index}", "?", 0, status="harness-error")
            outcome.error_type, outcome.message = type(error).__name__, str(error)[:300]
            outcome.traceback = traceback.format_exc()[-6000:]
            connection.send(outcome)
            continue
        _cpu_backstop(settings.budget)
        outcome = run_one(fuzz_input, settings.budget)
        del fuzz_input
        connection.send(outcome)
        if outcome.restart:
            return


class _Worker:
    def __init__(self, context: Any, settings: Settings) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_worker, args=(child, self.connection, settings), daemon=True
        )
        self.process.start()
        child.close()
        self.index: int | None = None
        self.sent_at = 0.0

    def send(self, index: int) -> None:
        self.index = index
        self.sent_at = time.monotonic()
        self.connection.send(index)

    def stop(self) -> None:
        if self.process.is_alive():
            with contextlib.suppress(OSError):
                self.connection.send(None)
            self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.connection.close()


def _death(exitcode: int | None) -> tuple[str, str]:
    """(status, message) for a worker that died with ``exitcode``."""
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = f"signal {number}"
        if number == signal.SIGXCPU:
            return "over-budget", "held the CPU in C code past twice the budget (SIGXCPU)"
        if number == signal.SIGKILL:
            return "crash", "the worker was killed (SIGKILL: out of memory?)"
        return "crash", f"the worker died of {name}"
    return "crash", f"the worker exited with status {exitcode}"


# ---- the run --------------------------------------------------------------------------------


@dataclass
class Summary:
    """The result of a run."""

    settings: Settings
    inputs: int = 0
    wall: float = 0.0
    cpu_total: float = 0.0
    failures: list[Outcome] = field(default_factory=list)
    slowest: list[Outcome] = field(default_factory=list)
    hungriest: list[Outcome] = field(default_factory=list)
    worst_peak: int = 0
    stopped_early: bool = False

    def count(self, status: str) -> int:
        return sum(1 for f in self.failures if f.status == status)

    @property
    def exceptions(self) -> int:
        return self.count("exception")

    @property
    def over_budget(self) -> int:
        return self.count("over-budget")

    def kinds(self) -> list[tuple[tuple[str, str, str], list[Outcome]]]:
        """The distinct failures, most frequent first."""
        groups: dict[tuple[str, str, str], list[Outcome]] = {}
        for failure in self.failures:
            groups.setdefault(failure.kind, []).append(failure)
        return sorted(groups.items(), key=lambda item: -len(item[1]))

    def reproduce_command(self, key: str) -> str:
        s = self.settings
        parts = ["python -m tests.fuzz", f"--reproduce {key}", f"--budget {s.budget:g}"]
        if s.source != "mixed":
            parts.append(f"--source {s.source}")
        if s.heavy_share != 1.0:
            parts.append(f"--heavy-share {s.heavy_share:g}")
        return " ".join(parts)

    def format(self) -> str:
        s = self.settings
        rate = self.inputs / self.wall if self.wall else 0.0
        which = (
            f"{len(s.indexes)} chosen indexes"
            if s.indexes is not None
            else f"indexes {s.start}-{s.start + self.inputs - 1}"
        )
        lines = [
            f"inputs: {self.inputs} (seed {s.seed}, {which},"
            f" source {s.source}) in {self.wall:.0f} s wall, {self.cpu_total:.0f} s CPU,"
            f" {rate:.1f} inputs/s with {s.jobs} jobs"
            + (" (stopped early)" if self.stopped_early else ""),
            f"exceptions: {self.exceptions}",
            f"over the budget of {s.budget:g} s CPU: {self.over_budget}",
            f"crashes: {self.count('crash')}",
            f"invariant violations: {self.count('invariant')}",
        ]
        if self.count("harness-error"):
            lines.append(f"faults of the harness itself: {self.count('harness-error')}")
        for (status, error_type, where), group in self.kinds():
            first = group[0]
            label = f"{status} {error_type} at {where or first.deepest or '?'}".replace("  ", " ")
            if status == "over-budget":
                label = "over-budget"
            lines.append(f"  {label}: {len(group)} input(s)")
            if status == "over-budget":
                involved: dict[str, int] = {}
                for outcome in group:
                    for name in set(outcome.recipe.split(" | ")[1:]):
                        involved[name] = involved.get(name, 0) + 1
                ranked = sorted(involved.items(), key=lambda item: -item[1])
                lines.append(
                    "      mutations involved: " + ", ".join(f"{n} {c}" for n, c in ranked)
                )
            if first.deepest and first.deepest != where:
                lines.append(f"      innermost frame: {first.deepest}")
            if first.message:
                lines.append(f"      message: {' '.join(first.message.split())[:200]}")
            if first.path and status != "over-budget":
                lines.append(f"      calls: {first.path[-300:]}")
            examples = sorted(group, key=lambda o: (o.size, o.key))
            for example in examples[:3]:
                lines.append(
                    f"      {example.key} ({example.size} bytes, {example.cpu:.2f} s"
                    f"{', stopped in ' + example.where if status == 'over-budget' else ''}):"
                    f" {example.recipe}"
                )
            lines.append(f"      reproduce: {self.reproduce_command(examples[0].key)}")
        if self.slowest:
            worst = self.slowest[0]
            lines.append(f"worst CPU time: {worst.cpu:.2f} s ({worst.key}: {worst.recipe})")
            for outcome in self.slowest[1:10]:
                lines.append(f"  {outcome.cpu:8.2f} s  {outcome.key}  {outcome.recipe}")
        if self.hungriest:
            worst = self.hungriest[0]
            lines.append(
                f"worst memory: {worst.memory / 1024:.0f} MiB above the worker's size"
                f" ({worst.key}, {worst.size} bytes: {worst.recipe});"
                f" largest worker: {self.worst_peak / 1024:.0f} MiB resident"
            )
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "settings": {
                k: str(v) if isinstance(v, Path) else v for k, v in asdict(self.settings).items()
            },
            "inputs": self.inputs,
            "wall_seconds": round(self.wall, 1),
            "exceptions": self.exceptions,
            "over_budget": self.over_budget,
            "crashes": self.count("crash"),
            "invariant_violations": self.count("invariant"),
            "failures": [asdict(f) for f in self.failures],
            "slowest": [asdict(o) for o in self.slowest],
            "hungriest": [asdict(o) for o in self.hungriest],
            "worst_peak_kib": self.worst_peak,
        }


def _context(settings: Settings) -> Any:
    method = settings.start_method
    if method is None:
        available = multiprocessing.get_all_start_methods()
        method = "fork" if "fork" in available and threading.active_count() == 1 else "spawn"
    return multiprocessing.get_context(method)


def _save(summary: Summary, outcome: Outcome, realpages: tuple[RealPage, ...]) -> None:
    folder = summary.settings.save_failures
    if folder is None or outcome.status == "harness-error":
        return
    same = sum(1 for f in summary.failures if f.kind == outcome.kind)
    if same > 20:
        return  # enough examples of this failure
    seed, index = (int(part) for part in outcome.key.split(":"))
    fuzz_input = replace(summary.settings, seed=seed).make(index, realpages)
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"{seed}-{index}"
    stem.with_suffix(".html").write_bytes(fuzz_input.data)
    note = {
        **asdict(outcome),
        "base_url": fuzz_input.base_url,
        "encoding": fuzz_input.encoding,
        "reproduce": summary.reproduce_command(outcome.key),
    }
    stem.with_suffix(".json").write_text(json.dumps(note, indent=2), encoding="utf-8")


def run_campaign(settings: Settings, report: Callable[[str], None] | None = None) -> Summary:
    """Run ``settings.count`` inputs from index ``settings.start`` and summarise them;
    ``report`` receives a progress line now and then."""
    realpages = _realpages_for(settings)
    if settings.source == "real" and not realpages:
        raise ValueError("source 'real' needs the real pages")
    context = _context(settings)
    summary = Summary(settings)
    pending: Iterator[int] = iter(
        settings.indexes
        if settings.indexes is not None
        else range(settings.start, settings.start + settings.count)
    )
    workers = [_Worker(context, settings) for _ in range(max(1, settings.jobs))]
    wall_limit = max(300.0, 30 * settings.budget)  # a backstop only: CPU time is the measure
    started = last_report = time.monotonic()
    slowest: list[tuple[float, str, Outcome]] = []
    hungriest: list[tuple[int, str, Outcome]] = []

    def record(outcome: Outcome) -> None:
        summary.inputs += 1
        summary.cpu_total += outcome.cpu
        summary.worst_peak = max(summary.worst_peak, outcome.peak)
        heapq.heappush(slowest, (outcome.cpu, outcome.key, outcome))
        if len(slowest) > 10:
            heapq.heappop(slowest)
        heapq.heappush(hungriest, (outcome.memory, outcome.key, outcome))
        if len(hungriest) > 5:
            heapq.heappop(hungriest)
        if outcome.status != "ok":
            summary.failures.append(outcome)
            _save(summary, outcome, realpages)

    def feed(worker: _Worker) -> bool:
        expensive = summary.over_budget + summary.count("crash")
        if settings.stop_after is not None and expensive >= settings.stop_after:
            summary.stopped_early = True
            return False
        index = next(pending, None)
        if index is None:
            return False
        worker.send(index)
        return True

    busy = [w for w in workers if feed(w)]
    try:
        while busy:
            ready = multiprocessing.connection.wait(
                [w.connection for w in busy] + [w.process.sentinel for w in busy], timeout=1.0
            )
            now = time.monotonic()
            for worker in list(busy):
                outcome: Outcome | None = None
                if worker.connection in ready or worker.process.sentinel in ready:
                    try:
                        if worker.connection.poll():
                            outcome = worker.connection.recv()
                    except (EOFError, OSError):
                        outcome = None
                    if outcome is None and worker.process.is_alive():
                        continue
                elif now - worker.sent_at <= wall_limit:
                    continue
                else:
                    worker.process.kill()
                if outcome is None:  # the worker died (or hung) with its input
                    worker.process.join(timeout=10)
                    status, message = _death(worker.process.exitcode)
                    if now - worker.sent_at > wall_limit:
                        status, message = "over-budget", f"no answer after {wall_limit:.0f} s"
                    fuzz_input = settings.make(worker.index or 0, realpages)
                    outcome = Outcome(
                        fuzz_input.key,
                        fuzz_input.recipe,
                        len(fuzz_input.data),
                        status=status,
                        message=message,
                        restart=True,
                    )
                    outcome.error_type = "WorkerDied" if status == "crash" else ""
                    outcome.cpu = settings.budget if status == "over-budget" else 0.0
                record(outcome)
                if outcome.restart:
                    worker.stop()
                    workers[workers.index(worker)] = replacement = _Worker(context, settings)
                    busy[busy.index(worker)] = replacement
                    worker = replacement
                if not feed(worker):
                    busy.remove(worker)
            if report and now - last_report >= settings.progress_every:
                last_report = now
                report(_progress(summary, slowest, now - started))
    except KeyboardInterrupt:
        summary.stopped_early = True  # the inputs in the workers' hands are not counted
    finally:
        for worker in workers:
            worker.stop()
    summary.wall = time.monotonic() - started
    summary.slowest = [o for _, _, o in sorted(slowest, key=lambda t: (-t[0], t[1]))]
    summary.hungriest = [o for _, _, o in sorted(hungriest, key=lambda t: (-t[0], t[1]))]
    return summary


def _progress(summary: Summary, slowest: list[tuple[float, str, Outcome]], wall: float) -> str:
    worst = max(slowest, key=lambda t: t[0], default=None)
    worst_text = f"; worst {worst[0]:.2f} s ({worst[1]}: {worst[2].recipe[:80]})" if worst else ""
    return (
        f"[{summary.inputs}/{summary.settings.count}] {summary.inputs / max(wall, 1e-9):.1f}/s,"
        f" {summary.exceptions} exceptions, {summary.over_budget} over budget,"
        f" {summary.count('crash')} crashes, {summary.count('invariant')} invariant"
        f"{worst_text}"
    )


# ---- the command line -----------------------------------------------------------------------


def reproduce(
    key: str,
    settings: Settings,
    write_input: Path | None = None,
    out: Callable[[str], None] = print,
) -> Outcome:
    """Rerun one input in this process and describe what it did."""
    seed_text, _, index_text = key.partition(":")
    settings = replace(settings, seed=int(seed_text))
    warnings.simplefilter("ignore")
    fuzz_input = settings.make(int(index_text), _realpages_for(settings))
    if write_input is not None:
        write_input.write_bytes(fuzz_input.data)
        out(f"input written to {write_input}")
    out(f"input {fuzz_input.key}: {len(fuzz_input.data)} bytes, base URL {fuzz_input.base_url}")
    if fuzz_input.encoding is not None:
        out(f"served with charset {fuzz_input.encoding!r}")
    out(f"recipe: {fuzz_input.recipe}")
    install_timer()
    outcome = run_one(fuzz_input, settings.budget)
    out(
        f"status: {outcome.status}; {outcome.cpu:.3f} s CPU; {outcome.memory / 1024:.1f} MiB;"
        f" {outcome.images} images"
    )
    if outcome.error_type:
        out(f"{outcome.error_type}: {outcome.message}")
        out(f"at {outcome.where} (innermost: {outcome.deepest})")
        out(f"calls: {outcome.path}")
    if outcome.traceback:
        out(outcome.traceback)
    return outcome


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz",
        description="Fuzz the page pipeline (attribution.pipeline.check_html) with mutated "
        "real pages and generated HTML.",
    )
    parser.add_argument("--count", type=int, default=1000, help="how many inputs (default 1000)")
    parser.add_argument("--start", type=int, default=0, help="index of the first input")
    parser.add_argument("--seed", type=int, default=1, help="the run's seed (default 1)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--budget", type=float, default=20.0, help="CPU seconds per input (20)")
    parser.add_argument(
        "--source",
        choices=SOURCES,
        default="mixed",
        help="real pages, generated pages, or both (default; real pages only when they are there)",
    )
    parser.add_argument(
        "--heavy-share",
        type=float,
        default=1.0,
        help="keep this share of the heavy mutations (big or deep pages) drawn, replacing "
        "the others by light ones (default 1: all; the tests' smoke keeps 0.1)",
    )
    parser.add_argument("--realpages", type=Path, help="the real pages (../shared/realpages)")
    parser.add_argument(
        "--memory-limit",
        type=int,
        default=3072,
        help="address-space limit of a worker in MiB (0: none)",
    )
    parser.add_argument(
        "--save-failures",
        type=Path,
        nargs="?",
        const=Path(""),
        metavar="DIR",
        help="write failing inputs here (default: a new temporary folder)",
    )
    parser.add_argument(
        "--stop-after", type=int, help="stop after this many inputs over the budget or crashes"
    )
    parser.add_argument(
        "--progress", type=float, default=15.0, help="seconds between progress lines"
    )
    parser.add_argument("--json", type=Path, help="also write the summary as JSON to this file")
    parser.add_argument("--reproduce", metavar="SEED:INDEX", help="rerun one input in-process")
    parser.add_argument("--write-input", type=Path, help="with --reproduce: save the input bytes")
    parser.add_argument(
        "--rerun",
        type=Path,
        metavar="SUMMARY.json",
        help="rerun the failing inputs of an earlier run's --json summary (its seed and "
        "source), e.g. with another --budget",
    )
    parser.add_argument(
        "--minimize",
        metavar="SEED:INDEX",
        help="shrink a failing input while it fails the same way",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    save = args.save_failures
    if save is not None and str(save) in ("", "."):
        save = Path(tempfile.mkdtemp(prefix="attribution-fuzz-"))
    settings = Settings(
        seed=args.seed,
        count=args.count,
        start=args.start,
        jobs=args.jobs,
        budget=args.budget,
        source=args.source,
        realpages=args.realpages,
        memory_limit_mb=args.memory_limit,
        save_failures=save,
        progress_every=args.progress,
        stop_after=args.stop_after,
        heavy_share=args.heavy_share,
    )
    if args.rerun:
        earlier = json.loads(args.rerun.read_text(encoding="utf-8"))
        indexes = tuple(int(f["key"].split(":")[1]) for f in earlier["failures"])
        settings = replace(
            settings,
            seed=int(earlier["settings"]["seed"]),
            source=str(earlier["settings"]["source"]),
            heavy_share=float(earlier["settings"].get("heavy_share", 1.0)),
            indexes=indexes,
            count=len(indexes),
        )
    if args.source == "real" and not _realpages_for(settings):
        print(f"no real pages at {settings.realpages or realpages_root()}", file=sys.stderr)
        return 2
    if args.reproduce:
        outcome = reproduce(args.reproduce, settings, args.write_input)
        return 0 if outcome.status == "ok" else 1
    if args.minimize:
        from .minimize import minimize_key

        return minimize_key(args.minimize, settings)
    if save is not None:
        print(f"failing inputs go to {save}", flush=True)

    def progress(line: str) -> None:
        print(line, flush=True)

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Ctrl-C or a kill ends the run with the summary of the inputs done so far (even
    # when the run was started in the background, where SIGINT comes in ignored).
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)

    summary = run_campaign(settings, progress)
    print(summary.format(), flush=True)
    if args.json:
        args.json.write_text(json.dumps(summary.to_json(), indent=1), encoding="utf-8")
    return 0 if not summary.failures else 1
