"""Which addresses attribution connects to: its guard against server-side request forgery.

A page names image files and its server may redirect, so a hostile page could make the
checker fetch from the machine it runs on (``127.0.0.1``, ``localhost``, ``2130706433``,
``0x7f.1``, ``127.1``, ``[::ffff:127.0.0.1]``), from the private network behind it, or
from a cloud metadata service (``169.254.169.254``). One policy holds for every fetch of
the tool, pages and images alike:

- **Checked after resolution, on every connection.** Each connection, the first and
  each redirect's, resolves the host name itself, checks every address the name
  resolves to, and connects to an address it checked, so a second DNS answer cannot
  swap it (DNS rebinding). A kept-alive connection is checked again when it is reused
  for another fetch. The TLS server name and the ``Host`` header stay the host name.
- **Public or private.** An address is public when :mod:`ipaddress` calls it global
  and it is not multicast or site-local; an IPv6 address that carries an IPv4 address
  (IPv4-mapped ``::ffff:a.b.c.d``, IPv4-compatible ``::a.b.c.d``, IPv4-translated,
  6to4 ``2002::/16``, NAT64 ``64:ff9b::/96``, Teredo) is public only when that IPv4
  address is too. Everything else (loopback, private networks, link-local, shared
  carrier-grade NAT space, local-use NAT64, unspecified, reserved, documentation,
  multicast) counts as private.
- **Who may be private.** A private address is reached only for (a) the host the
  user named as the target, that is the page's own host, when
  ``FetchSettings.private_targets`` is true (the default, for the command line:
  editors check pages on preview servers), or (b) a host listed in
  ``FetchSettings.allowed_hosts`` (the internal hosts a profile names). A page on
  ``127.0.0.1`` may show images from ``127.0.0.1``, but not from ``localhost``,
  ``127.0.0.2`` or ``2130706433``: host names are compared as written (lower-cased,
  without a final dot), never by what they resolve to. With ``private_targets`` false
  (a server that checks pages for others) even the target's own host is refused when
  it is private, unless it is allowed.
- **A refusal** is a :class:`~attribution.errors.FetchError` naming the URL asked for
  and saying which URL resolves to which private address.
- **Only http: and https:** are followed: a redirect to ``file:``, ``ftp:``,
  ``data:`` or any other scheme is a :class:`~attribution.errors.FetchError`.
- **No proxies from the environment** (``HTTP_PROXY``, ``HTTPS_PROXY``, ``.netrc``):
  the check would see the proxy and not the server behind it, so the sessions do not
  read them. A CA bundle named by ``REQUESTS_CA_BUNDLE`` or ``CURL_CA_BUNDLE`` is
  still used.

Local files named by a page are governed by :class:`~attribution.fetch.images.ImageReader`:
they are read only for a page that is itself a local file, and only from its folder.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from urllib3.util import parse_url

from attribution.errors import FetchError

if TYPE_CHECKING:
    from attribution.fetch.settings import FetchSettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

FOLLOWED_SCHEMES = frozenset({"http", "https"})

# Networks that ipaddress (in some Python versions) calls global but that are not.
_NOT_PUBLIC_V6 = (
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215)
    ipaddress.IPv6Network("fec0::/10"),  # deprecated site-local
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")


def private_kind(address: IPAddress) -> str | None:
    """What makes ``address`` private ("loopback", "link-local", "private network"…),
    or None when it is a public address that any page may name."""
    if isinstance(address, ipaddress.IPv6Address):
        carried = _carried_ipv4(address)
        if carried is not None:  # the packets go to the IPv4 address it carries
            return private_kind(carried)
        for part in address.teredo or ():
            kind = private_kind(part)
            if kind is not None:
                return kind
        if any(address in network for network in _NOT_PUBLIC_V6):
            return "private network"
    kinds = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private network", address.is_private),
        ("reserved", address.is_reserved),
    )
    for kind, applies in kinds:
        if applies:
            return kind
    return None if address.is_global else "not globally routed"


def _carried_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (IPv4-mapped, IPv4-compatible,
    IPv4-translated, 6to4, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    compatible = address in _IPV4_COMPATIBLE and int(address) > 1  # not :: nor ::1
    if compatible or address in _NAT64 or address in _IPV4_TRANSLATED:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def normal_host(host: str) -> str:
    """A host name as the policy compares it: lower case, IDNA-encoded, without
    brackets around an IPv6 address or a final dot."""
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host.isascii():
        encoded = parse_url(f"http://{host}/").host
        host = (encoded or host).lower()
    return host


def url_host(url: str) -> str | None:
    """The normalised host of an http(s) URL, or None for any other URL."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in FOLLOWED_SCHEMES or not parts.hostname:
        return None
    return normal_host(parts.hostname)


@dataclass(frozen=True)
class AddressPolicy:
    """Which hosts one fetch may reach at private addresses.

    ``target_host`` is the host the user named (the page's own host), trusted only
    when ``private_targets`` is true; ``allowed_hosts`` are always trusted.
    """

    target_host: str | None = None
    allowed_hosts: frozenset[str] = frozenset()
    private_targets: bool = True

    @classmethod
    def for_target(cls, settings: FetchSettings, target_url: str | None) -> AddressPolicy:
        """The policy of a fetch for the page or image at ``target_url`` (its host is
        the one the user named; None: no host is the target's)."""
        return cls(
            target_host=url_host(target_url) if target_url else None,
            allowed_hosts=frozenset(normal_host(name) for name in settings.allowed_hosts),
            private_targets=settings.private_targets,
        )

    def trusts(self, host: str) -> bool:
        """Whether ``host`` may be reached at a private address."""
        host = normal_host(host)
        if host in self.allowed_hosts:
            return True
        return self.private_targets and host == self.target_host

    def refusal(self, host: str, addresses: list[IPAddress]) -> tuple[IPAddress, str] | None:
        """The first private address of ``addresses`` with its kind, when ``host`` may
        not be reached there; None when every address may be connected to."""
        if self.trusts(host):
            return None
        for address in addresses:
            kind = private_kind(address)
            if kind is not None:
                return address, kind
        return None

    def refuse(self, requested: str, hop: str, address: IPAddress, kind: str) -> FetchError:
        """The error for a fetch of ``requested`` whose connection to ``hop`` (the URL
        itself or a redirect) would reach the private ``address``."""
        who = "it" if hop == requested else f"it was redirected to {hop}, which"
        if self.private_targets:
            allowed = "only the target's own host, or a host the settings allow, may be"
        else:
            allowed = (
                "only a host the profile's [limits] allowed_hosts lists (or, in a scan, "
                "the host of a source it was given) may be"
            )
        return FetchError(
            requested,
            f"not fetched: {who} resolves to a private address ({address}, {kind}); "
            f"{allowed} private",
        )


def redirect_refusal(location: str) -> str | None:
    """Why a redirect to ``location`` is not followed (a scheme other than http and
    https), or None when it may be."""
    scheme = urlsplit(location).scheme.lower()
    if scheme in FOLLOWED_SCHEMES:
        return None
    shown = f"a {scheme}: URL" if scheme else f"{location!r}"
    return f"redirected to {shown}, which is not followed"
