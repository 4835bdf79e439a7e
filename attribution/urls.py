"""A page's identity: its canonical URL.

The same article reached through a newsletter link (``?utm_source=…``), a social
network (``?fbclid=…``) or with its query parameters in another order is one page, so
its findings are one set. Canonicalisation itself is w3lib's (Scrapy's); the query
parameters that only track where a reader came from are listed here, as data.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

# Parameters that say how a reader arrived, never which document they asked for.
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "__hs", "_hs")
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "mc_cid",
        "mc_eid",
        "mkt_tok",
        "_ga",
        "_gl",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "s_cid",
        "cmpid",
        "ito",
        "ncid",
        "ocid",
        "sr_share",
        "smid",
        "ref_src",
        "ref_url",
    }
)


def is_tracking_parameter(name: str) -> bool:
    """Whether a query parameter only tracks where the reader came from."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL: scheme and host in lower case, no default
    port, credentials or fragment, percent-encoding normalised, tracking parameters
    removed and the rest sorted. Anything that is not an http(s) URL (a ``file:`` URL)
    is returned unchanged."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: leave the address as it was
        return url
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    url = urlunsplit((scheme, host, parts.path, parts.query, ""))
    tracking = sorted(
        {
            name
            for name, _ in parse_qsl(parts.query, keep_blank_values=True)
            if is_tracking_parameter(name)
        }
    )
    if tracking:
        url = url_query_cleaner(url, tracking, remove=True)
    return canonicalize_url(url)


_DEFAULT_PORTS = {"http": 80, "https": 443}
