"""The command line: output formats, exit codes, stdin, and clear usage errors."""

from __future__ import annotations

import json

import pytest
from conftest import PAGES, run_cli

NO_CREDITS = PAGES / "no-credits.html"
SEED = PAGES / "seed-article.html"


def test_json_output_follows_the_contract() -> None:
    result = run_cli("check", "--no-images", str(NO_CREDITS), "--format", "json")
    report = json.loads(result.stdout)
    assert set(report) >= {"schema", "profile", "pages", "summary"}
    assert report["profile"] == {"publication": None, "commercial": True}
    page = report["pages"][0]
    assert set(page) >= {"url", "title", "images", "findings"}
    for image in page["images"]:
        assert set(image) >= {"src", "alt", "caption", "credit", "embedded", "findings"}
        assert image["src"].startswith("https://")
        assert image["credit"] is None
        assert [f["rule"] for f in image["findings"]] == ["missing-credit"]
        assert image["findings"][0]["severity"] == "error"
        assert image["findings"][0]["fix"]
    summary = report["summary"]
    assert summary == {
        "pages": 1,
        "failed": 0,
        "images": len(page["images"]),
        "error": len(page["images"]),
        "warning": 0,
        "notice": 0,
    }


def test_missing_credit_fails_by_default_and_not_with_fail_on_never() -> None:
    assert run_cli("check", "--no-images", str(NO_CREDITS)).returncode == 1
    assert run_cli("check", "--no-images", str(NO_CREDITS), "--fail-on", "never").returncode == 0


def test_text_report_shows_images_captions_credits_and_summary() -> None:
    result = run_cli("check", "--no-images", str(NO_CREDITS))
    assert "credit:  (none)" in result.stdout
    assert "[missing-credit]" in result.stdout
    assert "3 image(s): 3 error(s)" in result.stdout


def test_stdin_needs_a_base_url_and_uses_it() -> None:
    html = SEED.read_text(encoding="utf-8")
    missing = run_cli("check", "--no-images", "-", stdin=html)
    assert missing.returncode == 2
    assert "--base-url" in missing.stderr
    result = run_cli(
        "check",
        "-",
        "--base-url",
        "https://news.example.org/a/",
        "--format",
        "json",
        "--fail-on",
        "never",
        stdin=html,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["pages"][0]["images"]) == 2


def test_usage_errors_exit_2_without_traceback() -> None:
    for args in (["check"], ["check", "x.html", "--format", "xml"], ["nonsense"]):
        result = run_cli(*args)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr


def test_missing_file_is_an_operational_failure() -> None:
    result = run_cli("check", "--no-images", "no-such-page.html")
    assert result.returncode == 3
    assert result.stderr.strip() == (
        "attribution: no-such-page.html: no such file (give a URL starting with http:// or "
        "https://, an HTML file, or - for stdin)"
    )


def test_help_teaches() -> None:
    result = run_cli("--help")
    assert "exit codes" in result.stdout and "attribution check" in result.stdout
    result = run_cli("check", "--no-images", "--help")
    assert "--fail-on" in result.stdout and "--base-url" in result.stdout


def test_terminal_control_characters_from_a_page_never_reach_the_terminal(
    tmp_path: object,
) -> None:
    from pathlib import Path

    page = Path(str(tmp_path)) / "evil.html"
    page.write_text(
        "<html><body><article><figure><img src='https://x.example/a.jpg' width=800 height=600>"
        "<figcaption>Harmless\x1b[2J\x1b]0;pwned\x07 caption. Photo: Eve\u202eliam</figcaption>"
        "</figure></article></body></html>",
        encoding="utf-8",
    )
    result = run_cli("check", "--no-images", str(page))
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "\x07" not in result.stdout
    assert "Harmless[2J]0;pwned caption" in result.stdout  # removed when read, text kept


def hostile_page(tmp_path: object) -> str:
    from pathlib import Path

    page = Path(str(tmp_path)) / "hostile.html"
    page.write_text(
        "<html><head><title>T<script>alert(1)</script></title></head><body><article><figure>"
        "<img src='https://x.example/a.jpg' width=800 height=600 alt='&lt;img onerror=x&gt;'>"
        "<figcaption>Caption &lt;script&gt;alert(2)&lt;/script&gt;. "
        '<span class=\'credit\'>=HYPERLINK("http://evil.example","x")</span></figcaption>'
        "</figure></article></body></html>",
        encoding="utf-8",
    )
    return str(page)


def test_html_report_escapes_everything_from_the_page(tmp_path: object) -> None:
    result = run_cli(
        "check", "--no-images", hostile_page(tmp_path), "--format", "html", "--fail-on", "never"
    )
    assert result.returncode == 0, result.stderr
    assert "<script>alert(2)" not in result.stdout
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in result.stdout
    assert "<h1>Image credit check</h1>" in result.stdout
    assert "1 image(s)" in result.stdout


def test_csv_report_cannot_smuggle_formulas(tmp_path: object) -> None:
    import csv
    import io

    result = run_cli(
        "check", "--no-images", hostile_page(tmp_path), "--format", "csv", "--fail-on", "never"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and rows[0]["credit"].startswith("'=HYPERLINK")
    assert [row["rule"] for row in rows] == ["unparsed-credit"]


def test_a_progress_bar_shows_on_a_terminal_and_not_in_a_pipe() -> None:
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import termios

    from conftest import command

    targets = [str(SEED), str(NO_CREDITS), str(SEED)]
    controller, terminal = pty.openpty()
    # A terminal 24 rows by 100 columns (a new pseudo-terminal has no size).
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        finished = subprocess.run(
            [*command(), "check", "--no-images", "--no-store", *targets],
            stdout=subprocess.DEVNULL,
            stderr=terminal,
            timeout=60,
            check=False,
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal side is closed: everything has been read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert finished.returncode == 1
    assert b"/3" in shown and b"pages" in shown
    piped = run_cli("check", "--no-images", "--no-store", *targets)
    assert "pages/s" not in piped.stderr and "/3" not in piped.stderr


def test_one_base_url_for_several_files_is_refused(tmp_path: object) -> None:
    from pathlib import Path

    other = Path(str(tmp_path)) / "other.html"
    other.write_bytes(SEED.read_bytes())
    for targets in ([str(NO_CREDITS), str(other)], [str(NO_CREDITS), "-"]):
        result = run_cli(
            "check",
            "--no-images",
            "--no-store",
            *targets,
            "--base-url",
            "https://site.example/a",
            stdin="<p>x</p>",
        )
        assert result.returncode == 2, targets
        assert result.stderr.startswith(
            "attribution: --base-url is the address of one page, but 2 files or stdin were given"
        )
        assert result.stdout == ""


@pytest.mark.parametrize(
    "base_url",
    [
        "notaurl",
        "/a/story.html",
        "file:///tmp/a.html",
        "ftp://site.example/a",
        "https://",
        "http:/x",
    ],
)
def test_base_url_must_be_an_absolute_http_url(base_url: str) -> None:
    result = run_cli("check", "--no-images", "--no-store", str(NO_CREDITS), "--base-url", base_url)
    assert result.returncode == 2, result.stderr
    assert f"--base-url {base_url!r} is not an absolute http(s) URL" in result.stderr


def test_a_scheme_relative_base_url_is_taken_as_https() -> None:
    result = run_cli(
        "check", "--no-images", "--no-store", "--format", "json", "--fail-on", "never",
        str(NO_CREDITS), "--base-url", "//news.example/story",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["pages"][0]["url"] == "https://news.example/story"


@pytest.mark.parametrize(
    "args",
    [
        ["findings", "--limit", "-1"],
        ["findings", "--limit", "0"],
        ["runs", "--limit", "-1"],
        ["runs", "--limit", "0"],
        ["runs", "0"],
        ["check", "--no-store", str(NO_CREDITS), "--timeout", "-1"],
        ["check", "--no-store", str(NO_CREDITS), "--timeout", "0"],
        ["check", "--no-store", str(NO_CREDITS), "--timeout", "nan"],
        ["check", "--no-store", str(NO_CREDITS), "--timeout", "inf"],
        ["check", "--resume", "0"],
        ["check", "--resume", "-3"],
        ["rights", "remove", "0"],
    ],
    ids=lambda args: " ".join(args[:1] + args[-2:]),
)
def test_numbers_out_of_range_are_usage_errors(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "it is binary data"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01", "it is binary data"),
        (b"", "it is empty"),
        (b"  \n\t\n", "it is empty"),
        (b"Just some notes about a picture, 3 < 4.\n", "it has no HTML markup"),
    ],
    ids=["png", "jpeg", "empty", "white-space", "plain-text"],
)
def test_input_that_is_not_html_is_refused(tmp_path: object, content: bytes, reason: str) -> None:
    from pathlib import Path

    target = Path(str(tmp_path)) / "input.html"
    target.write_bytes(content)
    result = run_cli("check", "--no-images", "--no-store", str(target), str(NO_CREDITS))
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip() == (
        f"attribution: {target}: the file is not an HTML document ({reason})"
    )
    assert "no-credits" not in result.stderr and "[missing-credit]" in result.stdout  # goes on
    piped = run_cli(
        "check",
        "--no-images",
        "--no-store",
        "-",
        "--base-url",
        "https://site.example/a",
        stdin=content.decode("latin-1"),
    )
    assert piped.returncode == 3
    assert piped.stderr.strip() == (
        f"attribution: -: standard input is not an HTML document ({reason})"
    )


@pytest.mark.parametrize(
    "content",
    [
        "<p>Story.</p><figure><img src='https://x.example/a.jpg' width=800 height=600>"
        "<figcaption>Photo: Jane Doe</figcaption></figure>",
        "<!DOCTYPE html><title>Empty page</title>",
        "\ufeff<HTML><BODY><IMG SRC='https://x.example/a.jpg' WIDTH=800 HEIGHT=600></BODY></HTML>",
    ],
    ids=["fragment", "doctype", "bom-upper-case"],
)
def test_html_fragments_and_documents_are_accepted(tmp_path: object, content: str) -> None:
    from pathlib import Path

    target = Path(str(tmp_path)) / "page.html"
    target.write_text(content, encoding="utf-8")
    result = run_cli("check", "--no-images", "--no-store", str(target), "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    utf16 = Path(str(tmp_path)) / "utf16.html"
    utf16.write_text(content.lstrip("\ufeff"), encoding="utf-16")
    assert run_cli("check", "--no-images", "--no-store", str(utf16)).returncode in (0, 1)


def test_credits_parse_keeps_one_line_per_input_line() -> None:
    lines = ["(AP Photo/Evan Vucci)", "", "   ", "Photo: Jane Doe / CC BY 4.0", ""]
    result = run_cli("credits", "parse", stdin="\r\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(lines)
    assert [record["text"] for record in records] == [lines[0], "", "", lines[3], ""]
    assert records[0]["provider"] == "Associated Press"
    assert records[1]["creator"] is None and records[1]["licence"] is None
    assert set(records[1]) == set(records[0])
    args = run_cli("credits", "parse", "(AP Photo/Evan Vucci)", "", "Jane Doe")
    assert [json.loads(line)["text"] for line in args.stdout.splitlines()] == [
        "(AP Photo/Evan Vucci)",
        "",
        "Jane Doe",
    ]


def test_json_report_lists_every_target_with_the_failed_ones(tmp_path: object) -> None:
    from pathlib import Path

    gone = str(Path(str(tmp_path)) / "gone.html")
    result = run_cli(
        "check", "--no-images", "--no-store", gone, str(NO_CREDITS), "--format", "json"
    )
    assert result.returncode == 3  # a failed target wins over the findings' 1
    report = json.loads(result.stdout)
    assert len(report["pages"]) == 1
    assert report["failed"] == [
        {
            "target": gone,
            "reason": "no such file (give a URL starting with http:// or https://, "
            "an HTML file, or - for stdin)",
        }
    ]
    assert report["summary"]["failed"] == 1 and report["summary"]["pages"] == 1
    alone = json.loads(run_cli("check", "--no-store", gone, "--format", "json").stdout)
    assert alone["pages"] == [] and alone["summary"]["failed"] == 1
