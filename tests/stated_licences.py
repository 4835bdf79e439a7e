"""Run ``attribution`` with the arguments given and print its JSON with each licence the
credit does not state taken out (``licence_source`` "inferred": a picture credited to
NASA or Pixabay with no licence printed). The real pages' labels name a licence only
where it is printed, and the issue that set the licence goal scores a licence "as stated
only when stated"; the scorer reads ``licence`` alone, so it runs this instead of the
command to measure that (tests/test_real_pages_gate.py)."""

from __future__ import annotations

import json
import subprocess
import sys


def main(arguments: list[str]) -> int:
    """Run the command, print its output with inferred licences left out; its exit code."""
    done = subprocess.run(
        [sys.executable, "-m", "attribution", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(done.stderr)
    try:
        report = json.loads(done.stdout)
    except ValueError:
        sys.stdout.write(done.stdout)
        return done.returncode
    for page in report.get("pages", []):
        for image in page.get("images", []):
            credit = image.get("credit") or {}
            if credit.get("licence_source") == "inferred":
                credit["licence"] = None
    sys.stdout.write(json.dumps(report))
    return done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
