"""``check --render``: pages whose images only scripts put in place, rendered in headless
Chromium with the network limited to the page's own origin (or none, for a saved file).

Real browser, real loopback servers; the tests that need the browser are skipped, with
the reason, where Playwright or Chromium is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LoopbackServer, run_cli, send

from attribution.errors import ConfigError
from attribution.fetch.browser import (
    PageRenderer,
    document_charset,
    find_chromium,
    require_renderer,
)
from attribution.fetch.settings import FetchSettings


def _unavailable() -> str | None:
    """Why pages cannot be rendered here, or None when they can."""
    try:
        require_renderer()
    except ConfigError as error:
        return str(error)
    return None


needs_browser = pytest.mark.skipif(
    _unavailable() is not None, reason=f"rendering tests skipped: {_unavailable()}"
)


class ConnectionCounter:
    """A TCP server on loopback that only counts the connections made to it (HTTP,
    WebSocket or anything else) and answers none of them."""

    def __init__(self) -> None:
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while self.running:
            try:
                connection, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def other_origin() -> Iterator[ConnectionCounter]:
    counter = ConnectionCounter()
    yield counter
    counter.close()


STATE = {
    "slides": [
        {"src": "img/heron.jpg", "alt": "A heron", "credit": "Photo: Ann Example / CC BY 4.0"}
    ]
}
MORE = {
    "slides": [
        {"src": "/img/crane.jpg", "alt": "A crane", "credit": "Photo: Bo Example / CC BY-SA 4.0"}
    ]
}


def gallery_page(other_port: int | None = None) -> bytes:
    """An article whose figures a script builds: one from JSON state in the page, one
    from JSON its script asks the page's own server for; and, given ``other_port``,
    every kind of request to another origin a script can make."""
    elsewhere = ""
    if other_port is not None:
        other = f"127.0.0.1:{other_port}"
        elsewhere = f"""
  fetch('http://{other}/steal').catch(() => 0);
  new Image().src = 'http://{other}/pixel.gif';
  try {{ new WebSocket('ws://{other}/socket'); }} catch (e) {{}}
  try {{ navigator.sendBeacon('http://{other}/beacon', 'x'); }} catch (e) {{}}
  const s = document.createElement('script'); s.src = 'http://{other}/lib.js';
  document.head.appendChild(s);
  const f = document.createElement('iframe'); f.src = 'http://{other}/frame';
  document.body.appendChild(f);"""
    page = f"""<!doctype html>
<html><head><title>A gallery built by script</title></head>
<body><article><h1>Birds of the marsh</h1>
<p>A story about birds, long enough to read as the article's text.</p>
<div id="gallery"></div>
<script type="application/json" id="state">{json.dumps(STATE)}</script>
<script>
  function add(slide) {{
    const figure = document.createElement('figure');
    const img = document.createElement('img');
    img.src = slide.src; img.alt = slide.alt;
    const caption = document.createElement('figcaption');
    caption.textContent = slide.credit;
    figure.append(img, caption);
    document.getElementById('gallery').appendChild(figure);
  }}
  JSON.parse(document.getElementById('state').textContent).slides.forEach(add);
  fetch('/api/slides.json').then(r => r.json()).then(d => d.slides.forEach(add));{elsewhere}
</script></article></body></html>"""
    return page.encode()


def serve_gallery(server: LoopbackServer, other_port: int | None = None) -> str:
    page = gallery_page(other_port)
    server.routes["/story/"] = lambda handler: send(handler, page)
    server.routes["/api/slides.json"] = lambda handler: send(
        handler, json.dumps(MORE).encode(), "application/json"
    )
    return server.url("/story/")


def check(*args: str) -> tuple[int, dict[str, object], str]:
    result = run_cli(
        "check", "--no-store", "--no-images", "--format", "json", "--fail-on", "never", *args
    )
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.returncode, report, result.stderr


def image_sources(report: dict[str, object]) -> list[str]:
    pages = report["pages"]
    assert isinstance(pages, list)
    return [image["src"] for page in pages for image in page["images"]]


@needs_browser
def test_render_finds_images_a_script_builds_and_plain_check_does_not(
    server: LoopbackServer,
) -> None:
    url = serve_gallery(server)
    code, plain, stderr = check(url)
    assert code == 0, stderr
    assert image_sources(plain) == []
    code, rendered, stderr = check("--render", url)
    assert code == 0, stderr
    assert sorted(image_sources(rendered)) == [
        server.url("/img/crane.jpg"),  # from the page's own server, asked for by its script
        server.url("/story/img/heron.jpg"),  # from the JSON state in the page
    ]
    pages = rendered["pages"]
    assert isinstance(pages, list)
    credits = sorted(image["credit"]["licence"] for image in pages[0]["images"])
    assert credits == ["CC-BY-4.0", "CC-BY-SA-4.0"]
    assert pages[0]["url"] == url
    # images change no markup: the browser does not fetch them
    assert not any(path.startswith("/img/") for path, _ in server.requests)


@needs_browser
def test_a_script_cannot_reach_another_origin(
    server: LoopbackServer, other_origin: ConnectionCounter
) -> None:
    url = serve_gallery(server, other_origin.port)
    code, report, stderr = check("--render", url)
    assert code == 0, stderr
    assert len(image_sources(report)) == 2  # the page's own origin is still served
    assert other_origin.connections == 0


@needs_browser
def test_a_saved_file_renders_with_no_network(
    server: LoopbackServer, other_origin: ConnectionCounter, tmp_path: Path
) -> None:
    saved = tmp_path / "story.html"
    saved.write_bytes(gallery_page(other_origin.port))
    base = server.url("/story/")
    server.routes["/api/slides.json"] = lambda handler: send(handler, b"{}", "application/json")
    code, report, stderr = check("--render", str(saved), "--base-url", base)
    assert code == 0, stderr
    # the state in the page, resolved against --base-url; the fetch went nowhere
    assert image_sources(report) == [server.url("/story/img/heron.jpg")]
    assert server.requests == []
    assert other_origin.connections == 0
    code, plain, stderr = check(str(saved), "--base-url", base)
    assert image_sources(plain) == []


@needs_browser
def test_a_page_that_never_finishes_is_its_own_failure_and_the_run_goes_on(
    server: LoopbackServer,
) -> None:
    busy = b"<html><body><p>x</p><script>setTimeout(() => { while (true) {} }, 10)</script>"
    server.routes["/busy"] = lambda handler: send(handler, busy)
    url = serve_gallery(server)
    result = run_cli(
        "check", "--no-store", "--no-images", "--render", "--format", "json", "--jobs", "1",
        "--timeout", "3", server.url("/busy"), url,
    )  # fmt: skip
    assert result.returncode == 3
    assert f"{server.url('/busy')}: the page took longer than 3 s to render" in result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert len(image_sources(report)) == 2


@needs_browser
def test_a_rendered_page_keeps_to_the_private_address_policy(server: LoopbackServer) -> None:
    """With private targets refused (a server checking pages for others), a script on
    a page at a private address reaches nothing there either."""
    url = serve_gallery(server)
    settings = FetchSettings(private_targets=False, total_timeout=15)
    with PageRenderer(settings) as renderer:
        rendered = renderer.render(url, gallery_page(), "utf-8", network=True)
    assert b"heron.jpg" in rendered.body and b"crane.jpg" not in rendered.body
    assert server.requests == [] and rendered.served == 0
    with PageRenderer(FetchSettings(total_timeout=15)) as renderer:
        rendered = renderer.render(url, gallery_page(), "utf-8", network=True)
    assert b"crane.jpg" in rendered.body and rendered.served == 1


def test_render_without_a_browser_is_one_clear_configuration_error(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><img src='a.jpg' alt='x'></body></html>")
    missing = str(tmp_path / "no-chromium")
    result = run_cli(
        "check", "--render", str(page), "--format", "json", env={"ATTRIBUTION_CHROMIUM": missing}
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "--render" in lines[0] and "apt-get install chromium" in lines[0]
    assert "playwright" in lines[0]
    assert result.stdout == ""


def test_the_browser_named_by_the_environment_must_be_an_executable(tmp_path: Path) -> None:
    not_a_program = tmp_path / "chromium"
    not_a_program.write_text("")
    with pytest.raises(ConfigError, match="not an executable browser"):
        find_chromium({"ATTRIBUTION_CHROMIUM": str(not_a_program)})
    not_a_program.chmod(0o755)
    assert find_chromium({"ATTRIBUTION_CHROMIUM": str(not_a_program)}) == str(not_a_program)


def test_a_plain_check_looks_for_no_browser(server: LoopbackServer) -> None:
    """Without --render, no browser is looked for (even a missing one is no error)."""
    server.routes["/p"] = lambda handler: send(handler, b"<html><body><p>hi</p></body></html>")
    result = run_cli(
        "check", "--no-store", server.url("/p"), env={"ATTRIBUTION_CHROMIUM": "/nonexistent"}
    )
    assert result.returncode == 0, result.stderr


@needs_browser
def test_a_script_that_navigates_away_leaves_the_page_checked(server: LoopbackServer) -> None:
    """The page's address as asked (with a fragment and an escaped character) is the
    page; a script sending the window elsewhere is refused."""
    page = gallery_page().replace(
        b"</script></article>",
        b"setTimeout(() => { location.href = '/elsewhere'; }, 50);</script></article>",
    )
    server.routes["/story/caf%C3%A9"] = lambda handler: send(handler, page)
    server.routes["/api/slides.json"] = lambda handler: send(
        handler, json.dumps(MORE).encode(), "application/json"
    )
    code, report, stderr = check("--render", server.url("/story/café#top"))
    assert code == 0, stderr
    assert len(image_sources(report)) == 2
    assert not any(path.startswith("/elsewhere") for path, _ in server.requests)


@needs_browser
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="util-linux's setpriv is not installed")
def test_the_browser_ends_with_the_process_that_started_it() -> None:
    """A check that ends without closing its browser (killed, or a worker thread cut
    off at exit) leaves no browser behind."""
    script = (
        "import os\n"
        "from attribution.fetch.browser import PageRenderer\n"
        "from attribution.fetch.settings import FetchSettings\n"
        "renderer = PageRenderer(FetchSettings())\n"
        "renderer.render('https://example.org/', b'<html><body><p>hi</p></body></html>', network=False)\n"
        "print(renderer._process.process.pid, flush=True)\n"
        "os._exit(0)\n"
    )
    started = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    pid = int(started.stdout.split()[-1])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
        time.sleep(0.1)
    assert (
        not Path(f"/proc/{pid}").exists()
        or "zombie" in Path(f"/proc/{pid}/status").read_text().lower()
    )


@needs_browser
def test_images_load_as_blank_pictures_so_error_handlers_keep_them(
    server: LoopbackServer, other_origin: ConnectionCounter
) -> None:
    """Images are fetched from nowhere, but they load: a page whose error handler
    swaps a broken picture for a placeholder keeps its picture, and a loader that
    swaps in the real picture once a first one has loaded does so."""
    picture = f"http://127.0.0.1:{other_origin.port}/photos/heron.jpg"
    page = f"""<!doctype html><html><head><title>Herons</title></head><body><article>
<h1>Herons</h1><p>A story about herons, long enough to read as the article's text.</p>
<figure><img src="{picture}" alt="A heron" onerror="this.replaceWith(document.createTextNode('no picture'))">
<figcaption>Photo: Ann Example</figcaption></figure>
<figure><img src="/blank.gif" data-full="/photos/crane.jpg" alt="A crane"
 onload="if (this.dataset.full) {{ this.src = this.dataset.full; delete this.dataset.full; }}">
<figcaption>Photo: Bo Example</figcaption></figure>
</article></body></html>""".encode()
    server.routes["/story"] = lambda handler: send(handler, page)
    code, report, stderr = check("--render", server.url("/story"))
    assert code == 0, stderr
    assert image_sources(report) == [picture, server.url("/photos/crane.jpg")]
    assert other_origin.connections == 0
    assert [path for path, _ in server.requests] == ["/story"]


def test_a_document_is_served_with_the_charset_the_extraction_reads_it_in() -> None:
    accented = "<html><body><p>Foto: Jörg Müller ©</p></body></html>"
    assert document_charset(accented.encode(), "iso-8859-1") == "iso-8859-1"
    assert document_charset(accented.encode(), None) == "utf-8"
    assert document_charset(accented.encode("cp1252"), None) is None  # the browser guesses
    declared = '<html><head><meta charset="windows-1252"></head><body>é</body></html>'
    assert document_charset(declared.encode("cp1252"), None) is None


@needs_browser
def test_a_saved_utf8_page_without_a_declared_charset_keeps_its_letters() -> None:
    page = (
        "<html><body><figure><img src='a.jpg' alt='x'><figcaption></figcaption></figure>"
        "<script>document.querySelector('figcaption').textContent = "
        "document.title + 'Foto: Jörg Müller © 2014';</script></body></html>"
    ).encode()
    with PageRenderer(FetchSettings(total_timeout=15)) as renderer:
        rendered = renderer.render("https://example.org/story", page, network=False)
    assert "Foto: Jörg Müller © 2014" in rendered.body.decode("utf-8")


SLIDESHOW = [
    {"caption": "The marsh at dawn.", "credit": "Photo: Di Example / CC BY 4.0",
     "embed": {"url": "/slides/marsh-dawn.jpg"}},
    {"caption": "A heron, photographed by Eu Example.", "credit": "",
     "embed": {"url": "/slides/heron-wading.jpg"}},
]  # fmt: skip


@needs_browser
def test_render_reads_the_slides_a_slideshow_keeps_in_data(tmp_path: Path) -> None:
    # The slideshow's own script (from another origin) never runs: its slides are read
    # from the data the page holds for it.
    saved = tmp_path / "story.html"
    saved.write_text(
        "<!doctype html><html><head><title>Marsh</title></head><body><article>"
        "<h1>Birds of the marsh</h1><p>A story about birds, long enough to be read.</p>"
        "<div id='slideshow'></div><script src='https://cdn.example.net/slideshow.js'></script>"
        f"<script>window.slides = {json.dumps(SLIDESHOW)};</script></article></body></html>"
    )
    base = "https://news.example.com/2024/marsh/"
    code, plain, stderr = check(str(saved), "--base-url", base)
    assert code == 0, stderr
    assert image_sources(plain) == []
    code, rendered, stderr = check("--render", str(saved), "--base-url", base)
    assert code == 0, stderr
    assert image_sources(rendered) == [
        "https://news.example.com/slides/marsh-dawn.jpg",
        "https://news.example.com/slides/heron-wading.jpg",
    ]
    pages = rendered["pages"]
    assert isinstance(pages, list)
    dawn, heron = pages[0]["images"]
    assert dawn["origin"] == "script" and dawn["role"] == "content"
    assert dawn["credit"]["licence"] == "CC-BY-4.0"
    assert heron["caption"] == "A heron"
    assert heron["credit"]["creator"] == "Eu Example"


@needs_browser
def test_a_rendering_leaves_nothing_in_the_temporary_folder(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    # (a short path: Chromium's socket path must stay under the system's limit)
    temporary = Path(tempfile.mkdtemp(prefix="r-"))
    request.addfinalizer(lambda: shutil.rmtree(temporary, ignore_errors=True))
    saved = tmp_path / "story.html"
    saved.write_bytes(gallery_page())
    env = {**os.environ, "TMPDIR": str(temporary)}
    result = run_cli(
        "check", "--no-store", "--no-images", "--fail-on", "never", "--render", str(saved),
        "--base-url", "https://news.example.com/story/", env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    # (the browser's profile and its single-instance socket folder are both removed)
    assert list(temporary.iterdir()) == []
