"""The web application of ``attribution serve``, run by uvicorn on a loopback port in a
thread of the test process: real HTTP, a real database, real parsing processes.

The loopback pages the tests serve are on a private address, which the server refuses
unless the profile allows the host: ``allowed_hosts`` does that, as an internal preview
server's would be.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import uvicorn

from attribution.records import Limits, Profile, ServeSettings
from attribution.store import open_database
from attribution.web.app import create_app

EXAMPLE_BASE = "https://www.news.example/2023/09/trump-kim-putin-xi-art.html"


class WebServer:
    """One running server: its address, and the app's state for looking inside."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread) -> None:
        self.server = server
        self.thread = thread
        host, port = server.servers[0].sockets[0].getsockname()[:2]
        self.base = f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path


def web_profile(
    database_url: str,
    *,
    allowed_hosts: tuple[str, ...] = ("127.0.0.1",),
    serve: ServeSettings | None = None,
    commercial: bool = True,
) -> Profile:
    """A profile for a test server: its database, the loopback host allowed."""
    return Profile(
        publication="Test Daily",
        commercial=commercial,
        database_url=database_url,
        limits=replace(Limits(), allowed_hosts=allowed_hosts, page_seconds=30.0),
        serve=serve or ServeSettings(),
    )


@contextmanager
def running_server(profile: Profile, *, token: str | None = None) -> Iterator[WebServer]:
    """Serve ``profile``'s application on a free loopback port until the block ends."""
    open_database(profile.database_url, auto_upgrade=True).close()
    app = create_app(profile, token=token)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the web server did not start")
        if time.monotonic() > deadline:
            raise RuntimeError("the web server did not start within a minute")
        time.sleep(0.02)
    try:
        yield WebServer(server, thread)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
