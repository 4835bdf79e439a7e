"""``attribution serve``: the editors' web page and the HTTP API, under uvicorn."""

from __future__ import annotations

from pathlib import Path

import click

from attribution.cli.common import EXIT_OK, config_option, load_profile


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Keep the default behind a reverse proxy on the same "
    "machine; 0.0.0.0 listens on every interface (in a container).",
)
@click.option(
    "--port",
    type=click.IntRange(min=1, max=65535),
    default=8040,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help="Address of the reverse proxy whose X-Forwarded-For and X-Forwarded-Proto are "
    "believed (repeatable), so that the limits of each client see the real client.",
)
@config_option
def command(host: str, port: int, trusted_proxies: tuple[str, ...], config: Path | None) -> int:
    """Serve the editors' web page and the HTTP API for the publishing system.

    Editors paste a page's address (or its HTML) and see every image with its credit,
    the findings and the corrected attribution line to copy. The publishing system
    calls POST /api/check before it publishes and acts on the verdict. The API is
    described at /openapi.json; /healthz answers whether the server is up.

    The server refuses to fetch from loopback, private, link-local and cloud-metadata
    addresses, except the hosts the profile's [limits] allowed_hosts lists (internal
    preview servers). Sign-in: set ATTRIBUTION_SERVE_TOKEN (API clients send
    'Authorization: Bearer TOKEN', browsers sign in once), or let a reverse proxy sign
    users in and name them in the header of [serve] trusted_user_header. Without
    either, whoever reaches the port may use it: keep the default --host.

    \b
    Examples:
      attribution serve
      attribution serve --port 8080 --config /etc/attribution/attribution.toml
      ATTRIBUTION_SERVE_TOKEN=$(openssl rand -hex 32) attribution serve --trusted-proxy 127.0.0.1
      curl -s -X POST http://127.0.0.1:8040/api/check -H 'Content-Type: application/json' \\
           -d '{"url": "https://www.example.com/news/story.html"}'
    """
    from attribution.web.server import serve

    serve(load_profile(config), host=host, port=port, trusted_proxies=trusted_proxies)
    return EXIT_OK
