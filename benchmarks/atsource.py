"""What checking licences at their source costs an editor's check: one saved page with
a picture from Wikimedia Commons and one from Flickr, checked by the command against
the fakes of both APIs on loopback (tests/sourceapis.py), stored in SQLite. The
baseline is the same check with ``--no-source-check``, in the same rounds as a check
asking both sources (its answers too old to be used) and a check using the answers kept
(within ``[sources] cache_days``). p50 and p90 over ``runs`` rounds."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sourceapis import add_penguin_photo, serving_fakes

PAGE = """<html><head><title>Penguins</title>
<link rel="canonical" href="https://news.example.com/penguins.html"></head>
<body><article><h1>Penguins</h1><p>On the ice.</p>
<figure><img src="https://live.staticflickr.com/65535/5550001234_abcdef1234_b.jpg" alt="A">
<figcaption>Photo: Arctic Penguin/Flickr (CC BY 2.0)</figcaption></figure>
<figure><img src="https://upload.wikimedia.org/wikipedia/commons/a/ab/Colony.jpg" alt="B">
<figcaption>Jane Doe / Wikimedia Commons, CC BY-SA 4.0</figcaption></figure>
</article></body></html>"""


def bench_sources(runs: int = 15) -> None:
    """p50 and p90 of the check without, asking, and with kept answers; ratios to the
    check without."""
    folder = Path(tempfile.mkdtemp(prefix="attribution-bench-sources-"))
    page = folder / "penguins.html"
    page.write_text(PAGE, encoding="utf-8")
    env = {**os.environ, "ATTRIBUTION_SOURCE_CHECKS": "on"}
    with serving_fakes(flickr_key="benchflickrkey1") as fakes:
        fakes.commons.add_file(
            "File:Colony.jpg",
            licence_short_name="CC BY-SA 4.0",
            licence_url="https://creativecommons.org/licenses/by-sa/4.0",
            artist_html='<a href="//commons.wikimedia.org/wiki/User:Jane">Jane Doe</a>',
            credit_html="Own work",
            usage_terms="Creative Commons Attribution-Share Alike 4.0",
        )
        add_penguin_photo(fakes.flickr)

        def profile(cache_days: float) -> str:
            path = folder / f"profile-{cache_days}.toml"
            path.write_text(
                f'[database]\nurl = "sqlite:///{folder}/record.db"\n'
                f'[sources]\ncache_days = {cache_days}\nflickr_key = "benchflickrkey1"\n'
                f'commons_api = "{fakes.commons.url}"\nflickr_api = "{fakes.flickr.url}"\n'
                "per_second = 100\n",
                encoding="utf-8",
            )
            return str(path)

        asking, keeping = profile(0.000001), profile(7)
        subprocess.run(
            [sys.executable, "-m", "attribution", "db", "upgrade", "--config", keeping],
            env=env,
            check=True,
            capture_output=True,
        )

        command = [sys.executable, "-m", "attribution", "check", str(page), "--no-images"]
        kinds = {
            "without": ("--config", keeping, "--no-source-check"),
            "asked": ("--config", asking),
            "kept": ("--config", keeping),
        }
        seconds: dict[str, list[float]] = {kind: [] for kind in kinds}
        # Round by round, one check of each kind, so that the machine's load, which
        # drifts, weighs on the three alike. Only the checks asking send requests (the
        # others ask nothing, or use what those kept).
        for _ in range(runs):
            for kind, args in kinds.items():
                start = time.perf_counter()
                done = subprocess.run([*command, *args], env=env, capture_output=True)
                seconds[kind].append(time.perf_counter() - start)
                assert done.returncode in (0, 1), done.stderr
        requests = (fakes.commons.count() + fakes.flickr.count()) / runs
        without, asked, kept = (sorted(seconds[kind]) for kind in kinds)
    base = without[len(without) // 2]
    print(f"a check of a page with a Commons and a Flickr picture ({runs} rounds, SQLite)")
    for label, measured in (
        ("--no-source-check", without),
        ("asking both sources", asked),
        ("answers kept", kept),
    ):
        p50, p90 = measured[len(measured) // 2], measured[int(len(measured) * 0.9)]
        print(
            f"  {label:20}: p50 {p50 * 1000:5.0f} ms, p90 {p90 * 1000:5.0f} ms, "
            f"p50 ratio {p50 / base:.2f}x"
        )
    print(f"  requests to the APIs per check when asking: {requests:.1f}")
