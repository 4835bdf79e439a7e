"""The connections under the HTTP session, and the fetch they work for.

A :class:`Fetch` is one page or image being fetched: the URL asked for, its
:class:`~attribution.fetch.policy.AddressPolicy` and its absolute deadline, at which
the process's one watchdog thread (:class:`Watchdog`) shuts its sockets down. While a
fetch is :meth:`~Fetch.active` in a thread, every connection that thread opens or
reuses works for it:

- the host name is resolved in a helper thread that is waited on only until the
  deadline (a resolver that never answers cannot hold the check);
- every address the name resolves to is checked with the policy, and the connection
  goes to a checked address, never to a second answer (DNS rebinding);
- the connection waits for ``connect_timeout`` at most, and never past the deadline;
- its socket is registered with the fetch, so the watchdog can shut it down while the
  request is sent, the headers arrive one by one, or the body drips; a kept-alive
  connection is checked again and registered when a later fetch reuses it.

:class:`GuardedAdapter` mounts these connections in a requests session and sends
nothing through proxies.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import ipaddress
import itertools
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family

from attribution.errors import FetchError
from attribution.fetch.policy import AddressPolicy

if TYPE_CHECKING:
    from attribution.fetch.policy import IPAddress

AddressInfo = tuple[socket.AddressFamily, socket.SocketKind, int, str, tuple[Any, ...]]

_current: contextvars.ContextVar[Fetch | None] = contextvars.ContextVar(
    "attribution_fetch", default=None
)


class Fetch:
    """One page or image being fetched: its policy, deadline, watchdog and sockets.

    ``requested`` is the URL asked for; ``hop`` the URL being requested now (itself or
    a redirect). ``budget`` says that the deadline is the caller's (a page's time
    budget) rather than the fetch's own ``total_timeout``. :meth:`start` arms the
    watchdog, :meth:`stop` disarms it; once it has fired, :attr:`expired` is set and
    every registered socket has been shut down.
    """

    def __init__(
        self, requested: str, policy: AddressPolicy, deadline: float, *, budget: bool
    ) -> None:
        self.requested = requested
        self.hop = requested
        self.policy = policy
        self.deadline = deadline
        self.budget = budget
        self.expired = threading.Event()
        self.reused = False  # whether the last request went over a kept-alive connection
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.armed = False  # whether the watchdog is to shut it down at its deadline

    def remaining(self) -> float:
        """Seconds left before the deadline (zero or less when it has passed)."""
        return self.deadline - time.monotonic()

    def start(self) -> None:
        """Arm the watchdog: at the deadline, shut down every socket of this fetch."""
        _WATCHDOG.arm(self)

    def stop(self) -> None:
        """Disarm the watchdog and forget the sockets (they go back to their pool)."""
        _WATCHDOG.disarm(self)
        with self._lock:
            self._sockets.clear()

    def register(self, sock: socket.socket | None) -> None:
        """Let the watchdog shut ``sock`` down; at once when the deadline has passed."""
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            late = self.expired.is_set()
        if late:
            _shut(sock)

    @contextlib.contextmanager
    def active(self) -> Iterator[Fetch]:
        """Make this the fetch that connections opened in this thread work for."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)

    def expire(self) -> None:
        """The deadline has passed: mark the fetch expired and shut down the sockets it
        holds (none once it is stopped)."""
        with self._lock:
            self.expired.set()
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


class Watchdog:
    """One thread that expires every armed fetch at its deadline.

    A thread of its own for each fetch (a ``threading.Timer``) cost about 0.2 ms of CPU to
    start and cancel, more than the rest of fetching a page on loopback. Fetches wait in
    a heap by deadline; a stopped fetch is only marked, and dropped when it comes to the
    top or when stopped ones outnumber the armed. The thread starts with the first
    fetch, and again in a child process after a fork (which copies no thread).
    """

    def __init__(self) -> None:
        self._reset()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._condition = threading.Condition()
        self._due: list[tuple[float, int, Fetch]] = []  # (deadline, order, fetch)
        self._order = itertools.count()
        self._armed = 0
        self._thread: threading.Thread | None = None

    def __len__(self) -> int:
        """How many fetches the heap holds, stopped ones not yet dropped among them."""
        with self._condition:
            return len(self._due)

    def arm(self, fetch: Fetch) -> None:
        """Expire ``fetch`` at its deadline unless it is disarmed first."""
        with self._condition:
            if fetch.armed:
                return
            fetch.armed = True
            self._armed += 1
            heapq.heappush(self._due, (fetch.deadline, next(self._order), fetch))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._watch, name="attribution-watchdog", daemon=True
                )
                self._thread.start()
            elif self._due[0][2] is fetch:
                self._condition.notify()  # sooner than the deadline waited for

    def disarm(self, fetch: Fetch) -> None:
        """Let ``fetch`` run past its deadline (it is done)."""
        with self._condition:
            if not fetch.armed:
                return
            fetch.armed = False
            self._armed -= 1
            if len(self._due) > _KEPT_STOPPED and len(self._due) > 2 * self._armed:
                self._due = [entry for entry in self._due if entry[2].armed]
                heapq.heapify(self._due)

    def _watch(self) -> None:
        while True:
            with self._condition:
                fetch = self._next_due()
                fetch.armed = False
                self._armed -= 1
            fetch.expire()  # (outside the lock: shutting sockets down may take a while)

    def _next_due(self) -> Fetch:
        """Wait (holding the condition) for the first armed fetch whose deadline has
        passed, and take it off the heap."""
        while True:
            while self._due and not self._due[0][2].armed:
                heapq.heappop(self._due)
            if not self._due:
                self._condition.wait()
                continue
            wait = self._due[0][0] - time.monotonic()
            if wait <= 0:
                return heapq.heappop(self._due)[2]
            self._condition.wait(wait)


# How many stopped fetches the watchdog keeps at least before it clears them out.
_KEPT_STOPPED = 256
_WATCHDOG = Watchdog()


def _shut(sock: socket.socket) -> None:
    """Shut a socket down for reading and writing, which wakes a thread blocked on it.

    The plain socket method is called even on a TLS socket: it acts on the descriptor
    and leaves the TLS state to the thread that owns it.
    """
    with contextlib.suppress(OSError, ValueError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def current_fetch() -> Fetch | None:
    """The fetch this thread's connections work for, if any."""
    return _current.get()


class _ResolveTimeout(Exception):
    """The resolver did not answer before the deadline."""


def _resolve(host: str, port: int, wait: float) -> list[AddressInfo]:
    """``getaddrinfo`` for ``host``, waited on for ``wait`` seconds at most.

    An address literal is parsed at once; a name is looked up in a daemon thread, which
    is left to finish on its own when the wait runs out.
    """
    family = allowed_gai_family()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return list(socket.getaddrinfo(host, port, family, socket.SOCK_STREAM))
    found: list[AddressInfo] = []
    failed: list[OSError] = []
    done = threading.Event()

    def look_up() -> None:
        try:
            found.extend(socket.getaddrinfo(host, port, family, socket.SOCK_STREAM))
        except OSError as error:
            failed.append(error)
        finally:
            done.set()

    threading.Thread(target=look_up, name="attribution-resolve", daemon=True).start()
    if not done.wait(max(0.0, wait)):
        raise _ResolveTimeout(host)
    if failed:
        raise failed[0]
    return found


def _address(info: AddressInfo) -> IPAddress:
    text = str(info[4][0]).split("%", 1)[0]  # without an IPv6 scope
    return ipaddress.ip_address(text)


class GuardedHTTPConnection(HTTPConnection):
    """An HTTP connection that resolves its host itself within the fetch's deadline,
    connects only to addresses the fetch's policy admits, and registers its socket with
    the fetch (see the module's description)."""

    _peer: IPAddress | None = None  # the checked address the socket is connected to
    _used_sock: socket.socket | None = None  # the socket a request was last sent on

    def _new_conn(self) -> socket.socket:
        fetch = current_fetch()
        policy = fetch.policy if fetch is not None else AddressPolicy()
        host = self._dns_host.strip("[]")
        limit = self.timeout if isinstance(self.timeout, (int, float)) else None
        remaining = fetch.remaining() if fetch is not None else None
        if remaining is not None and remaining <= 0:
            raise ConnectTimeoutError(self, f"no time was left to connect to {self.host}")
        try:
            infos = _resolve(host, self.port, remaining if remaining is not None else limit or 30.0)
        except _ResolveTimeout:
            raise FetchError(
                fetch.requested if fetch is not None else host,
                f"the host name {self.host} could not be resolved in time",
            ) from None
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        addresses = [_address(info) for info in infos]
        refused = policy.refusal(self.host, addresses)
        if refused is not None:
            requested = fetch.requested if fetch is not None else f"http://{self.host}/"
            hop = fetch.hop if fetch is not None else requested
            raise policy.refuse(requested, hop, *refused)
        try:
            sock, self._peer = self._connect_checked(infos, addresses, fetch, limit)
        except TimeoutError as error:
            raise ConnectTimeoutError(
                self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
            ) from error
        except OSError as error:
            raise NewConnectionError(
                self, f"Failed to establish a new connection: {error}"
            ) from error
        sys.audit("http.client.connect", self, self.host, self.port)
        return sock

    def _connect_checked(
        self,
        infos: list[AddressInfo],
        addresses: list[IPAddress],
        fetch: Fetch | None,
        limit: float | None,
    ) -> tuple[socket.socket, IPAddress]:
        """Connect to the first of the checked addresses that answers."""
        error: OSError = OSError("the host name resolved to no address")
        for (family, kind, proto, _, address), checked in zip(infos, addresses, strict=True):
            remaining = fetch.remaining() if fetch is not None else None
            if remaining is not None and remaining <= 0:
                raise TimeoutError("no time left")
            sock = socket.socket(family, kind, proto)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                sock.settimeout(_least(remaining, limit))
                if self.source_address:
                    sock.bind(self.source_address)
                if fetch is not None:
                    fetch.register(sock)
                sock.connect(address)
            except OSError as failed:
                sock.close()
                error = failed
                continue
            return sock, checked
        raise error

    def connect(self) -> None:
        """Connect anew (see :meth:`_new_conn`) and register the socket with the fetch."""
        super().connect()
        fetch = current_fetch()
        if fetch is not None:
            fetch.register(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        """Send a request; a kept-alive connection is first checked again with the
        policy of the fetch that reuses it, and its socket registered with that fetch."""
        fetch = current_fetch()
        reused = self.sock is not None and self.sock is self._used_sock
        if reused:
            policy = fetch.policy if fetch is not None else AddressPolicy()
            refused = policy.refusal(self.host, [self._peer] if self._peer else [])
            if refused is not None or self._peer is None:
                self.close()  # never reused for this fetch: connect anew, checked
                reused = False
            elif fetch is not None:
                fetch.register(self.sock)
        if fetch is not None:
            fetch.reused = reused
        try:
            super().request(*args, **kwargs)
        finally:
            self._used_sock = self.sock


class GuardedHTTPSConnection(GuardedHTTPConnection, HTTPSConnection):
    """:class:`GuardedHTTPConnection` over TLS; the server name stays the host name."""


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    """A pool of :class:`GuardedHTTPConnection`."""

    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    """A pool of :class:`GuardedHTTPSConnection`."""

    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose pools hold guarded connections; it uses no proxy."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Create the pool manager with guarded connection pools."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        """Send ``request`` directly: a proxy would hide the server from the policy."""
        kwargs["proxies"] = None
        return super().send(request, *args, **kwargs)


def _least(*values: float | None) -> float | None:
    present = [value for value in values if value is not None]
    return max(0.0, min(present)) if present else None
