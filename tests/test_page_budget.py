"""Every page has a budget: the process that parses it is stopped when the page uses
up its CPU seconds, its wall-clock time or its memory, and the next page is checked."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LoopbackServer, run_cli, send
from imagefactory import Metadata, jpeg

from attribution.app.budget import PageClock, Sandbox
from attribution.app.check import CheckOptions, check_targets
from attribution.config import profile_from_mapping
from attribution.errors import ConfigError, PageTooComplex, TargetError
from attribution.records import Embedded, Limits, Profile

# Catastrophic backtracking: matching this against "a" * 40 + "!" would take ages.
EXPONENTIAL = re.compile(r"(a+)+$")


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox(memory_mb=512)
    yield box
    box.close()


def clock(**limits: float) -> PageClock:
    return PageClock.start("page.html", Limits(**limits))  # type: ignore[arg-type]


def test_a_function_runs_in_the_child_and_its_cpu_is_charged(sandbox: Sandbox) -> None:
    page = clock(page_cpu_seconds=30)
    assert sandbox.call(page, sorted, [3, 1, 2]) == [1, 2, 3]
    assert 0 < page.cpu_left <= 30


def test_a_page_over_its_cpu_seconds_is_too_complex_and_the_next_page_runs(
    sandbox: Sandbox,
) -> None:
    page = clock(page_cpu_seconds=0.5, page_seconds=600)
    with pytest.raises(PageTooComplex, match=r"more than 0\.5 s of CPU"):
        sandbox.call(page, EXPONENTIAL.match, "a" * 60 + "!")
    with pytest.raises(PageTooComplex):  # the page's CPU is spent for every later stage
        sandbox.call(page, len, "abc")
    assert sandbox.call(clock(), len, "abc") == 3


def test_a_page_over_its_time_is_stopped_by_killing_the_child(sandbox: Sandbox) -> None:
    page = clock(page_seconds=0.5)
    with pytest.raises(PageTooComplex, match=r"not done within 0\.5 s"):
        sandbox.call(page, time.sleep, 600)  # sleeping uses no CPU: only the wall clock ends it
    assert sandbox.call(clock(), len, "abcd") == 4  # a fresh child


def test_a_page_over_its_memory_fails_alone(sandbox: Sandbox) -> None:
    with pytest.raises(PageTooComplex, match="more than 512 MB"):
        sandbox.call(
            clock(page_memory_mb=512), bytearray, 1024 * 1024 * 1024
        )  # 1 GiB over a 512 MB cap
    assert sandbox.call(clock(), len, "ab") == 2


def test_a_bug_in_one_page_is_that_page_s_error(sandbox: Sandbox) -> None:
    with pytest.raises(TargetError, match=r"internal error: ValueError.*invalid literal"):
        sandbox.call(clock(), int, "not a number")
    assert sandbox.call(clock(), int, "7") == 7


def test_a_run_reports_the_page_over_budget_and_checks_the_rest(tmp_path: Path) -> None:
    # Two pages of real work each: a page that costs next to nothing (a warm parsing
    # process reads a small page in well under a millisecond) may stay within any budget.
    pages = []
    for number in (1, 2):
        figures = "".join(
            f'<figure><img src="{number}-{n}.jpg" alt="Harbour {n}">'
            f"<figcaption>Boats in harbour {n}. Photo: Jane Doe/Reuters</figcaption></figure>"
            for n in range(100)
        )
        page = tmp_path / f"ok-{number}.html"
        page.write_text(f"<html><body>{figures}</body></html>")
        pages.append(str(page))
    tiny = Profile(limits=Limits(page_cpu_seconds=1e-6))
    outcome = check_targets(pages, CheckOptions(profile=tiny, record=False, read_images=False))
    assert [o.error.reason[:22] for o in outcome.outcomes if o.error] == [
        "too complex to check: "
    ] * 2
    outcome = check_targets(pages, CheckOptions(record=False, read_images=False))
    assert len(outcome.pages) == 2 and not outcome.failed


def test_the_limits_are_read_from_the_profile() -> None:
    profile = profile_from_mapping(
        {
            "limits": {
                "page_seconds": 20,
                "page_cpu_seconds": 5.5,
                "allowed_hosts": ["Preview.Local."],
            }
        }
    )
    assert profile.limits == Limits(
        page_seconds=20.0, page_cpu_seconds=5.5, allowed_hosts=("preview.local",)
    )
    for bad in ({"page_seconds": 0}, {"max_images": 2.5}, {"page_seconds": "fast"}, {"speed": 1}):
        with pytest.raises(ConfigError, match="limits"):
            profile_from_mapping({"limits": bad})


def test_the_command_reports_a_page_over_budget_with_exit_3(tmp_path: Path) -> None:
    (tmp_path / "attribution.toml").write_text("[limits]\npage_cpu_seconds = 0.000001\n")
    (tmp_path / "page.html").write_text('<html><body><img src="a.jpg" alt="x"></body></html>')
    done = run_cli(
        "--config", str(tmp_path / "attribution.toml"), "check", "--no-store",
        str(tmp_path / "page.html"),
    )  # fmt: skip
    assert done.returncode == 3
    assert "too complex to check" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_the_profile_s_allowed_hosts_let_a_page_lead_to_an_internal_host(
    server: LoopbackServer,
) -> None:
    port = server.url("/").rsplit(":", 1)[1].split("/")[0]
    picture = jpeg(Metadata(artist="Jane Doe"))
    server.routes["/img.jpg"] = lambda handler: send(handler, picture, "image/jpeg")
    server.routes["/story"] = lambda handler: send(
        handler,
        f'<html><body><img src="http://localhost:{port}/img.jpg" alt="x"></body></html>'.encode(),
    )

    def embedded(profile: Profile) -> Embedded:
        options = CheckOptions(profile=profile, record=False)
        (page,) = check_targets([server.url("/story")], options).pages
        found = page.images[0].embedded
        assert found is not None
        return found

    refused = embedded(Profile())
    assert refused.creator is None and "private" in (refused.problem or "")
    allowed = embedded(Profile(limits=Limits(allowed_hosts=("localhost",))))
    assert allowed.creator == "Jane Doe" and allowed.problem is None


def test_the_profile_s_max_images_caps_a_page_with_a_notice(tmp_path: Path) -> None:
    images = "".join(f'<img src="/p{n}.jpg" alt="Picture {n}">' for n in range(5))
    (tmp_path / "page.html").write_text(f"<html><body><article>{images}</article></body></html>")
    options = CheckOptions(profile=Profile(limits=Limits(max_images=2)), record=False)
    (page,) = check_targets([str(tmp_path / "page.html")], options).pages
    assert len(page.images) == 2
    assert page.notices and "2" in page.notices[0]


def knowledge_bases_loaded() -> tuple[int, int]:
    """(Run in the child) how many times the knowledge base was loaded, and is kept."""
    from attribution.licences import default_knowledge_base

    loaded = default_knowledge_base.cache_info()
    return loaded.misses, loaded.currsize


def test_the_child_has_read_a_page_before_the_first_one_comes(sandbox: Sandbox) -> None:
    # Asked before any page: the knowledge base was loaded once, by the warm-up, while
    # the parent went on starting.
    assert sandbox.call(clock(page_cpu_seconds=30), knowledge_bases_loaded) == (1, 1)


def test_the_warm_up_page_reads_credits_licences_and_rules() -> None:
    from attribution.app.stages import warm_up

    result = warm_up()
    credits = [image.credit for image in result.images]
    assert [(c.provider, c.licence) for c in credits if c] == [
        ("Reuters", None),
        ("Flickr", "CC-BY-NC-2.0"),
    ]
    assert "nc-commercial-use" in {f.rule for image in result.images for f in image.findings}
