"""Pictures a page only declares for sharing (og:image, twitter:image, JSON-LD) carry
the role "social" and are shown apart from the content images in every format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import run_cli

from attribution.extract import extract_page

SHARED = "https://cdn.example.com/share/card-1200x630.jpg"
SHOWN = "https://cdn.example.com/p/harbour-800x533.jpg"


def _page(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body><article><h1>Story</h1>{body}</article></body></html>"


def _shared_page() -> str:
    return _page(
        f"<meta property='og:image' content='{SHARED}'>"
        "<meta name='twitter:image' content='https://cdn.example.com/share/tw.jpg'>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "image":'
        ' "https://cdn.example.com/share/square.jpg"}</script>',
        f"<figure><img src='{SHOWN}' width=800 height=533>"
        "<figcaption>The harbour at dawn. Photo: Jane Doe</figcaption></figure>",
    )


def test_declared_pictures_not_shown_are_social_and_shown_ones_are_content() -> None:
    images = extract_page(_shared_page(), "https://news.example.com/story/").images
    roles = {image.src: (image.role, image.origin) for image in images}
    assert roles[SHOWN] == ("content", "img")
    assert roles[SHARED] == ("social", "og:image")
    assert roles["https://cdn.example.com/share/tw.jpg"] == ("social", "twitter:image")
    assert roles["https://cdn.example.com/share/square.jpg"] == ("social", "json-ld")
    assert images[0].src == SHOWN  # content first, declared pictures after


def test_a_declared_picture_that_is_a_content_image_in_another_size_is_not_listed_again() -> None:
    html = _page(
        "<meta property='og:image' content='https://cdn.example.com/p/harbour-1200x630.jpg'>",
        f"<figure><img src='{SHOWN}' width=800 height=533>"
        "<figcaption>The harbour. Photo: Jane Doe</figcaption></figure>",
    )
    images = extract_page(html, "https://news.example.com/story/").images
    assert [(image.src, image.role) for image in images] == [(SHOWN, "content")]
    assert "https://cdn.example.com/p/harbour-1200x630.jpg" in images[0].variants


def _check(tmp_path: Path, output_format: str) -> str:
    page = tmp_path / "story.html"
    page.write_text(_shared_page(), encoding="utf-8")
    result = run_cli(
        "check", str(page), "--base-url", "https://news.example.com/story/", "--no-images",
        "--no-store", "--fail-on", "never", "--format", output_format,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_json_gives_every_image_its_role(tmp_path: Path) -> None:
    images = json.loads(_check(tmp_path, "json"))["pages"][0]["images"]
    assert [(image["role"], image["origin"]) for image in images] == [
        ("content", "img"),
        ("social", "json-ld"),
        ("social", "og:image"),
        ("social", "twitter:image"),
    ]


def test_text_shows_social_pictures_apart_after_the_content_images(tmp_path: Path) -> None:
    text = _check(tmp_path, "text")
    heading = text.index("shared on social media")
    assert text.index(SHOWN) < heading < text.index(SHARED)
    assert "no content images found" not in text


def test_a_page_with_only_a_social_picture_says_it_has_no_content_images(tmp_path: Path) -> None:
    page = tmp_path / "bare.html"
    page.write_text(_page(f"<meta property='og:image' content='{SHARED}'>", "<p>Text.</p>"))
    result = run_cli(
        "check", str(page), "--base-url", "https://news.example.com/bare/", "--no-images",
        "--no-store", "--fail-on", "never",
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert "  no content images found" in lines
    assert lines.index("  no content images found") < next(
        i for i, line in enumerate(lines) if "shared on social media" in line
    )


def test_html_puts_social_pictures_in_a_section_of_their_own(tmp_path: Path) -> None:
    html = _check(tmp_path, "html")
    heading = html.index('<h3 class="social">Shared on social media')
    assert html.index(SHOWN) < heading < html.index(SHARED)


def test_csv_has_a_role_column(tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_check(tmp_path, "csv"))))
    assert {row["image"]: row["role"] for row in rows}[SHOWN] == "content"
    assert {row["image"]: row["role"] for row in rows}[SHARED] == "social"


def test_the_record_keeps_each_image_s_role(tmp_path: Path, database_url: str) -> None:
    env = {"ATTRIBUTION_DATABASE_URL": database_url}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    page = tmp_path / "story.html"
    page.write_text(_shared_page(), encoding="utf-8")
    url = "https://news.example.com/story/"
    checked = run_cli(
        "check", str(page), "--base-url", url, "--no-images", "--fail-on", "never", env=env
    )
    assert checked.returncode == 0, checked.stderr
    history = run_cli("history", url, "--format", "json", env=env)
    shown = json.loads(history.stdout)[0]["images"]
    assert {image["image"]: image["role"] for image in shown}[SHOWN] == "content"
    assert {image["image"]: image["role"] for image in shown}[SHARED] == "social"
    text = run_cli("history", url, env=env).stdout
    assert f"{SHARED} (shared on social media, not shown)" in text
    assert f"{SHOWN} (shared" not in text
