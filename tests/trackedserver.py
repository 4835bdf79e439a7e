"""A loopback HTTP server for tests that knows its open connections and their threads,
so that closing it ends every connection and joins every thread (the scan site and the
fakes of the sources' APIs stand on it).

The standard library's ``block_on_close`` joins only non-daemon threads; these are
daemons, so that a server a test forgot to stop never keeps the interpreter alive, and
are joined here.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class TrackedServer(ThreadingHTTPServer):
    """A server with a thread per connection (named ``thread_name``); closing it ends
    every connection and joins every thread (each for at most ``join_seconds``, None:
    as long as it takes)."""

    allow_reuse_address = True
    thread_name = "loopback-connection"
    join_seconds: float | None = None

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self.connections: set[socket.socket] = set()
        self.threads: list[threading.Thread] = []
        self.connections_lock = threading.Lock()
        super().__init__(address, handler)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        """Answer the connection in a thread of its own (called by the serving loop)."""
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=self.thread_name,
            daemon=True,
        )
        with self.connections_lock:
            self.connections.add(request)
            self.threads = [alive for alive in self.threads if alive.is_alive()]
            self.threads.append(thread)
        thread.start()

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        """Close the listening socket, end every connection and join their threads."""
        super().server_close()
        with self.connections_lock:
            connections, threads = list(self.connections), list(self.threads)
        for connection in connections:  # wakes the threads that read or write them
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(timeout=self.join_seconds)


def serve_in_thread(server: TrackedServer, name: str) -> threading.Thread:
    """Serve ``server`` in a daemon thread of its own (started)."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
    )
    thread.start()
    return thread


def stop_serving(server: TrackedServer, thread: threading.Thread) -> None:
    """Stop the serving loop, join its thread, and end every connection and its thread."""
    server.shutdown()
    thread.join()
    server.server_close()
