"""A loopback HTTP server that misbehaves on purpose, one way per route.

It speaks HTTP over plain sockets (not :mod:`http.server`) so that a route can do what
no well-behaved server does: never answer, drip the body or the headers, send a
hundred and one headers, reset the connection mid-body, inflate a small gzip body to
hundreds of megabytes, or drop a kept-alive connection when it is reused. Each route is
a function of an :class:`Exchange`; the ``FaultServer.*`` factories build the usual
faults. The server binds 127.0.0.1 by default, or any loopback address (127.0.0.2)
to stand for a second, private host.
"""

from __future__ import annotations

import contextlib
import functools
import socket
import struct
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

FaultRoute = Callable[["Exchange"], None]

PAGE = b"<html><head><title>Fine</title></head><body><p>A page.</p></body></html>"


@dataclass
class Exchange:
    """One request on a connection, and the means to answer it (or not)."""

    sock: socket.socket
    method: str
    path: str
    headers: dict[str, str]
    number: int  # how many requests this connection carried before this one
    stop: threading.Event
    keep_alive: bool = True
    notes: dict[str, object] = field(default_factory=dict)

    def send(
        self,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """A complete response with a Content-Length; the connection is kept alive."""
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Whatever')}"]
        lines.append(f"Content-Type: {content_type}")
        lines.append(f"Content-Length: {len(body)}")
        lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
        self.raw(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def head(self, status: int = 200, headers: dict[str, str] | None = None) -> None:
        """Only a status line and headers (no length: the body ends with the connection)."""
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Whatever')}", "Connection: close"]
        lines.extend(f"{name}: {value}" for name, value in (headers or {}).items())
        self.raw(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        self.keep_alive = False

    def raw(self, data: bytes) -> None:
        """Bytes as they are."""
        self.sock.sendall(data)

    def wait(self, seconds: float) -> bool:
        """Sleep, unless the server is closing; True when it is."""
        return self.stop.wait(seconds)


class FaultServer:
    """A threaded loopback server whose routes the tests set (``routes[path] = route``);
    ``hits[path]`` counts the requests each path received."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, FaultRoute] = {}
        self.hits: dict[str, int] = {}
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._connections: list[socket.socket] = []
        self.listener = socket.create_server((host, 0))
        self.listener.settimeout(0.2)
        self.host, self.port = self.listener.getsockname()[:2]
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        """``http://host:port`` of the server."""
        return f"http://{self.host}:{self.port}"

    def url(self, path: str, host: str | None = None) -> str:
        """The URL of ``path`` on this server, by its address or by another ``host``
        name that reaches it (``localhost``, ``2130706433``…)."""
        return f"http://{host or self.host}:{self.port}{path}"

    def close(self) -> None:
        """Stop accepting, wake the routes that wait, close every connection."""
        self.stop.set()
        self.thread.join(timeout=5)
        self.listener.close()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._connections.append(connection)
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(30)
        buffer = b""
        number = 0
        with contextlib.suppress(OSError), connection:
            while not self.stop.is_set():
                while b"\r\n\r\n" not in buffer:
                    data = connection.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                method, path, _ = request_line.split(" ", 2)
                headers = {}
                for line in header_lines:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                route_path = path.split("?", 1)[0]
                with self._lock:
                    self.hits[route_path] = self.hits.get(route_path, 0) + 1
                exchange = Exchange(connection, method, path, headers, number, self.stop)
                route = self.routes.get(route_path)
                if route is None:
                    exchange.send(b"not found", "text/plain", 404)
                else:
                    route(exchange)
                number += 1
                if not exchange.keep_alive:
                    return

    # The faults. Each returns a route.

    @staticmethod
    def page(body: bytes = PAGE, content_type: str = "text/html; charset=utf-8") -> FaultRoute:
        """A well-behaved response."""
        return lambda exchange: exchange.send(body, content_type)

    @staticmethod
    def no_answer() -> FaultRoute:
        """Reads the request and never answers."""

        def route(exchange: Exchange) -> None:
            exchange.wait(120)
            exchange.keep_alive = False

        return route

    @staticmethod
    def drip(interval: float = 0.05, content_type: str = "text/html") -> FaultRoute:
        """Prompt headers, then one byte of body every ``interval`` seconds, for ever."""

        def route(exchange: Exchange) -> None:
            exchange.head(200, {"Content-Type": content_type})
            exchange.raw(b"\xff\xd8\xff" if content_type.startswith("image/") else b"<html>")
            while not exchange.wait(interval):
                exchange.raw(b"a")

        return route

    @staticmethod
    def endless(content_type: str = "text/html") -> FaultRoute:
        """A body that never ends, as fast as the client reads it."""

        def route(exchange: Exchange) -> None:
            exchange.head(200, {"Content-Type": content_type})
            start = b"\xff\xd8\xff\xe0" if content_type.startswith("image/") else b"<html><p>"
            exchange.raw(start)
            block = b"x" * 65536
            while not exchange.stop.is_set():
                exchange.raw(block)

        return route

    @staticmethod
    def reset_mid_body(content_type: str = "text/html") -> FaultRoute:
        """Promises a long body, sends part of it, then resets the connection (RST)."""

        def route(exchange: Exchange) -> None:
            exchange.raw(
                f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n"
                "Content-Length: 1000000\r\n\r\n".encode()
            )
            exchange.raw(b"<html><body>" + b"x" * 20000)
            exchange.wait(0.1)
            exchange.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            exchange.sock.close()
            exchange.keep_alive = False

        return route

    @staticmethod
    def status_then(
        status: int, then: FaultRoute, headers: dict[str, str] | None = None, times: int = 1
    ) -> FaultRoute:
        """``status`` (with ``headers``, e.g. Retry-After) for the first ``times``
        requests, then ``then``."""
        seen = [0]

        def route(exchange: Exchange) -> None:
            seen[0] += 1
            if seen[0] <= times:
                exchange.send(b"busy", "text/plain", status, headers)
            else:
                then(exchange)

        return route

    @staticmethod
    def redirect(location: str, status: int = 302) -> FaultRoute:
        """A redirect to ``location``."""
        return lambda exchange: exchange.send(b"", "text/plain", status, {"Location": location})

    @staticmethod
    def gzip_bomb(decoded_mib: int = 200, content_type: str = "text/html") -> FaultRoute:
        """A small gzip body (Content-Encoding: gzip) that inflates to ``decoded_mib`` MiB."""
        body = _bomb(decoded_mib)
        return lambda exchange: exchange.send(body, content_type, 200, {"Content-Encoding": "gzip"})

    @staticmethod
    def header_flood(count: int = 1000) -> FaultRoute:
        """A status line followed by ``count`` headers."""

        def route(exchange: Exchange) -> None:
            lines = "".join(f"X-Flood-{n}: {n}\r\n" for n in range(count))
            exchange.raw(f"HTTP/1.1 200 OK\r\n{lines}\r\n".encode())
            exchange.keep_alive = False

        return route

    @staticmethod
    def long_header(size: int = 100_000) -> FaultRoute:
        """One header line longer than any client accepts."""

        def route(exchange: Exchange) -> None:
            exchange.raw(b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * size + b"\r\n\r\n")
            exchange.keep_alive = False

        return route

    @staticmethod
    def slow_headers(interval: float = 1.0) -> FaultRoute:
        """The status line, then one header every ``interval`` seconds, for ever."""

        def route(exchange: Exchange) -> None:
            exchange.raw(b"HTTP/1.1 200 OK\r\n")
            n = 0
            while not exchange.wait(interval):
                exchange.raw(f"X-Slow-{n}: {n}\r\n".encode())
                n += 1

        return route

    @staticmethod
    def stale_keep_alive(body: bytes = PAGE) -> FaultRoute:
        """Answers the first request of a connection and keeps it alive; a second request
        on the same connection finds it closed without an answer (as when a server's
        keep-alive timer runs out just as the client reuses the connection)."""

        def route(exchange: Exchange) -> None:
            if exchange.number > 0:
                exchange.keep_alive = False
                return
            exchange.send(body, "text/html", 200, {"Connection": "keep-alive"})

        return route


@functools.cache
def _bomb(decoded_mib: int) -> bytes:
    """gzip of ``decoded_mib`` MiB of zeros, built without holding them in memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    block = b"\0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(decoded_mib)]
    parts.append(compressor.flush())
    return b"".join(parts)


_REASONS = {
    200: "OK",
    206: "Partial Content",
    302: "Found",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
