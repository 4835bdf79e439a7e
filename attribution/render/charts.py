"""The geometry of the audit report's charts: bars placed in a box, drawn as inline
SVG by the report's template (``reports/audit.html``), with no script and nothing
fetched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from attribution.records import RunSummary

# Layout of a chart of horizontal bars, in SVG user units.
LABEL_WIDTH = 260
BAR_AREA = 300
ROW = 22
BAR_HEIGHT = 16
# Layout of the trend: one column per run.
TREND_HEIGHT = 160
COLUMN = 36
GAP = 10
# Labels longer than this are cut (the full text is the bar's title).
LABEL_CHARACTERS = 40


@dataclass(frozen=True)
class Segment:
    """A rectangle of a bar: one severity's share of it."""

    x: float
    y: float
    width: float
    height: float
    kind: str  # the CSS class: "error", "warning" or "notice"
    value: int


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, its full title, its value and its segments."""

    label: str
    title: str
    value: int
    segments: tuple[Segment, ...]
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Chart:
    """A chart: its accessible title, its size and its bars."""

    title: str
    width: float
    height: float
    bars: tuple[Bar, ...]
    horizontal: bool


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def bar_chart(title: str, items: Sequence[tuple[str, int]], kind: str) -> Chart:
    """Horizontal bars, one per (label, value), longest first as given, scaled to the
    largest value; ``kind`` is the CSS class of every bar."""
    largest = max((value for _, value in items), default=0) or 1
    bars = []
    for row, (label, value) in enumerate(items):
        y = row * ROW
        width = BAR_AREA * value / largest
        segment = Segment(LABEL_WIDTH, y + 3, width, BAR_HEIGHT, kind, value)
        bars.append(
            Bar(_short(label), f"{label}: {value}", value, (segment,), 0, y + 3 + BAR_HEIGHT - 4)
        )
    width = LABEL_WIDTH + BAR_AREA + 60
    return Chart(title, width, max(len(items), 1) * ROW + 6, tuple(bars), horizontal=True)


def trend_chart(title: str, runs: Sequence[RunSummary]) -> Chart:
    """One column per run, oldest first, stacked by severity: the findings each run
    reported."""
    largest = max((run.errors + run.warnings + run.notices for run in runs), default=0) or 1
    bars = []
    for column, run in enumerate(runs):
        x = GAP + column * (COLUMN + GAP)
        bottom = float(TREND_HEIGHT)
        segments = []
        for kind, value in (
            ("error", run.errors),
            ("warning", run.warnings),
            ("notice", run.notices),
        ):
            height = (TREND_HEIGHT - 10) * value / largest
            bottom -= height
            segments.append(Segment(x, bottom, COLUMN, height, kind, value))
        total = run.errors + run.warnings + run.notices
        bars.append(
            Bar(
                f"#{run.id}",
                f"run {run.id} ({run.kind}, {run.started_at:%Y-%m-%d}): {run.errors} errors, "
                f"{run.warnings} warnings, {run.notices} notices",
                total,
                tuple(segments),
                x + COLUMN / 2,
                TREND_HEIGHT + 14,
            )
        )
    width = GAP + max(len(runs), 1) * (COLUMN + GAP)
    return Chart(title, width, TREND_HEIGHT + 20, tuple(bars), horizontal=False)
