"""Running the web application under uvicorn (the one module that imports it)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import uvicorn

from attribution.web.app import create_app
from attribution.web.security import TOKEN_VARIABLE

if TYPE_CHECKING:
    from attribution.records import Profile


def serve(profile: Profile, *, host: str, port: int, trusted_proxies: Sequence[str] = ()) -> None:
    """Serve ``profile``'s application on ``host``:``port`` until stopped (Ctrl-C or
    SIGTERM end it gracefully: checks under way finish first). The token comes from
    ``ATTRIBUTION_SERVE_TOKEN``; ``trusted_proxies`` are the addresses whose
    ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed."""
    from attribution.store import open_database

    # A database that is not there or not upgraded is one clear error before listening.
    open_database(profile.database_url).close()
    app = create_app(profile, token=os.environ.get(TOKEN_VARIABLE) or None)
    print(f"attribution serve: http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=list(trusted_proxies) or None,
        server_header=False,
        log_level="info",
    )
