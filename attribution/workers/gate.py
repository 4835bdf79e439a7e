"""The politeness every worker shares, on every machine, through one Redis server.

:class:`SharedHostGate` is :class:`~attribution.app.parallel.HostGate` with all its state
in Redis: a host's places, the start of its next fetch, its Crawl-delay, its back-off
and its response time are the same for every process that names the same server and
namespace. :class:`SharedRobotsCache` keeps the robots.txt readings of
:class:`~attribution.app.discovery.Reader` there, so that a site's robots.txt is fetched
once for every scan of it (and for a scan taken up on another machine).

Every step that reads and changes a host's state is one Lua script, so it is atomic; its
times are the Redis server's clock (``TIME``), so the machines' clocks need not agree.
A host's keys (``<namespace>:host:<host>:places`` and ``…:pace``) expire a day after
they were last changed, so Redis does not fill up with hosts no longer scanned.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import redis

from attribution.app.discovery import RobotsReading
from attribution.app.parallel import MAX_SPACING_SECONDS, MIN_BACKOFF_SECONDS
from attribution.errors import ConfigError, SharedStateError, UsageError

# How long a host's keys outlive their last change.
KEY_LIFETIME_SECONDS = 86_400
# The longest a robots.txt reading is used (RFC 9309, 2.4).
ROBOTS_LIFETIME_SECONDS = 86_400.0
# How long a robots.txt answer that could not say what the site wants (429, a 5xx: both
# allow nothing) is kept: long enough that the workers do not all ask a struggling
# server for it at once, short enough that a scan soon tries again. (A fetch that failed
# is not kept at all: the Reader does not offer it, as it may be the reader's own.)
FAILED_ROBOTS_LIFETIME_SECONDS = 300.0
# Connecting to Redis and waiting for its answers: a worker fails clearly, not hangs.
SOCKET_TIMEOUT_SECONDS = 5.0

_MICROSECONDS = 1_000_000

# Shared by the scripts: the server's time in microseconds, a numeric field of a hash,
# and a host's interval between starts (as HostGate._interval) from its pace hash.
_LUA_COMMON = """
local function now_us()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function field(key, name)
  local value = redis.call('HGET', key, name)
  if value then return tonumber(value) end
  return nil
end
local function whole(x)
  return string.format('%.0f', x)
end
local function interval(key, delay, adaptive, per_host, cap)
  local spacing = math.max(delay, field(key, 'floor') or 0, field(key, 'backoff') or 0)
  local latency = field(key, 'latency')
  if adaptive and latency then spacing = math.max(spacing, latency / per_host) end
  return math.min(spacing, cap)
end
"""

# KEYS: places. ARGV: token, per_host, lease (µs), key lifetime (ms). The holders whose
# lease ended are dropped; the token's lease starts (again) if it holds a place or one is
# free: 1, else 0.
_ACQUIRE = (
    _LUA_COMMON
    + """
local now = now_us()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], whole(now + tonumber(ARGV[3])), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 1
end
return 0
"""
)

# KEYS: pace. ARGV: delay (µs), adaptive ('1' or '0'), per_host, cap (µs). The interval
# (µs), as an integer (Redis replies Lua numbers as integers).
_INTERVAL = (
    _LUA_COMMON
    + """
local step = interval(KEYS[1], tonumber(ARGV[1]), ARGV[2] == '1', tonumber(ARGV[3]),
                      tonumber(ARGV[4]))
return math.floor(step)
"""
)

# KEYS: pace. ARGV: as _INTERVAL, then the key lifetime (ms). Takes the host's next
# start and moves it one interval on; how long (µs) the caller waits for its start.
_TURN = (
    _LUA_COMMON
    + """
local now = now_us()
local start = math.max(now, field(KEYS[1], 'next') or now)
local step = interval(KEYS[1], tonumber(ARGV[1]), ARGV[2] == '1', tonumber(ARGV[3]),
                      tonumber(ARGV[4]))
redis.call('HSET', KEYS[1], 'next', whole(start + step))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return math.floor(start - now)
"""
)

# KEYS: pace. ARGV: the fetch's time (µs), the smallest back-off kept (µs), the key
# lifetime (ms). The response time is averaged in; a back-off shrinks by half.
_OBSERVE = (
    _LUA_COMMON
    + """
local took = tonumber(ARGV[1])
local before = field(KEYS[1], 'latency')
local latency = took
if before then latency = 0.7 * before + 0.3 * took end
redis.call('HSET', KEYS[1], 'latency', whole(latency))
local pause = (field(KEYS[1], 'backoff') or 0) / 2
if pause < tonumber(ARGV[2]) then
  redis.call('HDEL', KEYS[1], 'backoff')
else
  redis.call('HSET', KEYS[1], 'backoff', whole(pause))
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
)

# KEYS: pace. ARGV: the first back-off (µs), cap (µs), key lifetime (ms). The back-off
# doubles, and the next start is no sooner than its end.
_BACK_OFF = (
    _LUA_COMMON
    + """
local pause = math.min(math.max((field(KEYS[1], 'backoff') or 0) * 2, tonumber(ARGV[1])),
                       tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'backoff', whole(pause))
local now = now_us()
redis.call('HSET', KEYS[1], 'next', whole(math.max(field(KEYS[1], 'next') or now, now + pause)))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""
)


class SharedHostGate:
    """:class:`~attribution.app.parallel.HostGate` shared by every process that uses
    the same Redis server and ``namespace``: at most ``per_host`` page fetches at a
    time to any one host across all of them, and their starts spaced out together.

    The interface and its meaning are HostGate's (``delay`` and ``adaptive`` are this
    gate's own, as there; the Crawl-delay, the back-off, the response time and the next
    start of a host are shared). A place is a lease of ``lease_seconds`` on the Redis
    server's clock, started again when the holder's turn comes: a holder that dies
    without giving its place back (SIGKILL, a lost machine) frees it when the lease
    ends. The lease must therefore be longer than the longest fetch (a page's time
    budget and a margin), or a slow fetch's place is given to another meanwhile. A
    place that is not free is looked for again every ``poll_seconds`` (and a little
    more, at random, so that waiting workers do not ask in step).

    ``client`` must not decode responses (as :func:`connect_shared_state`'s).
    Raises :class:`~attribution.errors.SharedStateError` when Redis fails.
    """

    def __init__(
        self,
        client: redis.Redis,
        per_host: int,
        delay: float = 0.0,
        *,
        adaptive: bool = False,
        covers_images: bool = False,
        namespace: str = "attribution",
        lease_seconds: float = 120.0,
        poll_seconds: float = 0.05,
    ) -> None:
        self.per_host = per_host
        self.delay = delay
        self.adaptive = adaptive
        self.covers_images = covers_images
        self._client = client
        self._namespace = namespace
        self._lease_us = round(lease_seconds * _MICROSECONDS)
        self._poll_seconds = poll_seconds
        self._places_lifetime_ms = round(max(KEY_LIFETIME_SECONDS, lease_seconds) * 1000)
        self._acquire = client.register_script(_ACQUIRE)
        self._interval = client.register_script(_INTERVAL)
        self._turn = client.register_script(_TURN)
        self._observe_script = client.register_script(_OBSERVE)
        self._back_off = client.register_script(_BACK_OFF)

    def set_delay(self, host: str, seconds: float) -> None:
        """Space the starts of fetches from ``host`` at least ``seconds`` apart (its
        robots.txt Crawl-delay), whatever the gate's own delay, on every worker."""
        key = self._key(host.lower(), "pace")
        with _reaching(self._client):
            pipeline = self._client.pipeline()
            pipeline.hset(key, "floor", round(max(seconds, 0.0) * _MICROSECONDS))
            pipeline.pexpire(key, KEY_LIFETIME_SECONDS * 1000)
            pipeline.execute()

    def interval(self, host: str) -> float:
        """The time between two starts to ``host`` now."""
        key = self._key(host.lower(), "pace")
        with _reaching(self._client):
            step = self._interval(keys=[key], args=self._spacing_args())
        return int(step) / _MICROSECONDS

    @contextmanager
    def hold(self, url: str, *, spaced: bool = True) -> Iterator[None]:
        """Wait for, then hold, one of the host's places while the block runs; its turn
        comes no sooner than the host's spacing allows (unless not ``spaced``: an image
        file shares the places of its host's pages, not their pace). A block that
        fails (a 429 said so by :meth:`back_off`) teaches the gate nothing of the
        host's response time."""
        host = (urlsplit(url).hostname or "").lower()
        token = secrets.token_hex(16)
        self._take_place(host, token)
        try:
            if spaced and self._wait_turn(host):
                # The lease starts again for the fetch; should it have ended during a
                # long wait, the place is waited for again (the turn stays taken).
                self._take_place(host, token)
            started = time.monotonic()
            yield
            if spaced:
                self._observe(host, time.monotonic() - started)
        finally:
            self._give_back(host, token)

    def hold_unspaced(self, url: str) -> AbstractContextManager[None]:
        """:meth:`hold` without the spacing: one of the host's places for an image."""
        return self.hold(url, spaced=False)

    def back_off(self, url: str) -> None:
        """``url``'s host said it is overloaded (429, 503): pause it on every worker,
        twice as long as the last time it said so, at least
        :data:`~attribution.app.parallel.MIN_BACKOFF_SECONDS`."""
        host = (urlsplit(url).hostname or "").lower()
        with _reaching(self._client):
            self._back_off(
                keys=[self._key(host, "pace")],
                args=[
                    round(MIN_BACKOFF_SECONDS * _MICROSECONDS),
                    round(MAX_SPACING_SECONDS * _MICROSECONDS),
                    KEY_LIFETIME_SECONDS * 1000,
                ],
            )

    def _key(self, host: str, what: str) -> str:
        return f"{self._namespace}:host:{host}:{what}"

    def _spacing_args(self) -> list[int | str]:
        return [
            round(self.delay * _MICROSECONDS),
            "1" if self.adaptive else "0",
            self.per_host,
            round(MAX_SPACING_SECONDS * _MICROSECONDS),
        ]

    def _take_place(self, host: str, token: str) -> None:
        """Wait for a place of ``host``, held by ``token`` for a new lease."""
        key = self._key(host, "places")
        while True:
            with _reaching(self._client):
                taken = self._acquire(
                    keys=[key],
                    args=[token, self.per_host, self._lease_us, self._places_lifetime_ms],
                )
            if int(taken) == 1:
                return
            time.sleep(self._poll_seconds + random.uniform(0.0, self._poll_seconds / 2))

    def _give_back(self, host: str, token: str) -> None:
        # The lease frees the place; an error here must not hide the block's own.
        with suppress(redis.RedisError):
            self._client.zrem(self._key(host, "places"), token)

    def _wait_turn(self, host: str) -> bool:
        """Take ``host``'s next start and wait for it; whether there was a wait."""
        with _reaching(self._client):
            wait = int(
                self._turn(
                    keys=[self._key(host, "pace")],
                    args=[*self._spacing_args(), KEY_LIFETIME_SECONDS * 1000],
                )
            )
        if wait > 0:
            time.sleep(wait / _MICROSECONDS)
        return wait > 0

    def _observe(self, host: str, seconds: float) -> None:
        """A fetch from ``host`` took ``seconds``: its shared response time is followed,
        and a pause it was given shrinks."""
        if not self.adaptive:
            return
        with _reaching(self._client):
            self._observe_script(
                keys=[self._key(host, "pace")],
                args=[
                    round(seconds * _MICROSECONDS),
                    MIN_BACKOFF_SECONDS / 4 * _MICROSECONDS,
                    KEY_LIFETIME_SECONDS * 1000,
                ],
            )


class SharedRobotsCache:
    """The robots.txt readings of every worker's
    :class:`~attribution.app.discovery.Reader`, kept in Redis by origin
    (a :class:`~attribution.app.discovery.RobotsCache`).

    A reading is used for ``lifetime_seconds``, at most a day (RFC 9309, 2.4). One that
    could not say what the site wants (robots.txt answered 429 or a server error, or
    could not be fetched: the site is not scanned) is kept only
    ``failure_lifetime_seconds`` (0: not kept), so that a site is not left unscanned for
    a day by one bad moment, while its workers do not all ask a struggling server at
    once.

    ``client`` must not decode responses (as :func:`connect_shared_state`'s).
    Raises :class:`~attribution.errors.SharedStateError` when Redis fails.
    """

    def __init__(
        self,
        client: redis.Redis,
        namespace: str = "attribution",
        lifetime_seconds: float = ROBOTS_LIFETIME_SECONDS,
        *,
        failure_lifetime_seconds: float = FAILED_ROBOTS_LIFETIME_SECONDS,
    ) -> None:
        if not 0 < lifetime_seconds <= ROBOTS_LIFETIME_SECONDS:
            raise UsageError(
                f"a robots.txt reading is kept more than 0 and at most "
                f"{ROBOTS_LIFETIME_SECONDS:.0f} seconds (RFC 9309), not {lifetime_seconds}"
            )
        self._client = client
        self._namespace = namespace
        self.lifetime_seconds = lifetime_seconds
        self.failure_lifetime_seconds = min(failure_lifetime_seconds, lifetime_seconds)

    def get(self, origin: str) -> RobotsReading | None:
        """The reading kept for ``origin``, or None (none, or expired)."""
        with _reaching(self._client):
            found = cast("dict[bytes, bytes]", self._client.hgetall(self._key(origin)))
        try:
            status = int(found[b"status"])
        except (KeyError, ValueError):  # none, or not one of ours: read it again
            return None
        failure = found.get(b"failure")
        return RobotsReading(
            status,
            found.get(b"body", b""),
            None if failure is None else failure.decode("utf-8", "replace"),
        )

    def put(self, origin: str, reading: RobotsReading) -> None:
        """Keep ``reading`` of ``origin``'s robots.txt for as long as its kind may be."""
        lifetime = self.lifetime_seconds if reading.lasting else self.failure_lifetime_seconds
        if lifetime <= 0:
            return
        key = self._key(origin)
        with _reaching(self._client):
            pipeline = self._client.pipeline()
            pipeline.delete(key)
            pipeline.hset(key, "status", reading.status)
            pipeline.hset(key, "body", reading.body)
            if reading.failure is not None:
                pipeline.hset(key, "failure", reading.failure)
            pipeline.pexpire(key, max(round(lifetime * 1000), 1))
            pipeline.execute()

    def _key(self, origin: str) -> str:
        return f"{self._namespace}:robots:{origin}"


def connect_shared_state(url: str) -> redis.Redis:
    """A client of the Redis server at ``url`` (``redis://``, ``rediss://`` or
    ``unix://``), with short timeouts, which has answered a PING.

    Raises :class:`~attribution.errors.ConfigError` when ``url`` is not a Redis URL and
    :class:`~attribution.errors.SharedStateError` when the server does not answer; both
    name the URL without its password."""
    shown = safe_redis_url(url)
    try:
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=SOCKET_TIMEOUT_SECONDS,
            socket_timeout=SOCKET_TIMEOUT_SECONDS,
        )
    except ValueError as error:
        raise ConfigError(
            f"shared state {shown}: not a Redis URL ({_hidden(str(error), url)})"
        ) from error
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        raise SharedStateError(
            f"shared state at {shown}: Redis does not answer ({_hidden(str(error), url)})"
        ) from error
    return client


def safe_redis_url(url: str) -> str:
    """``url`` with its password (in the address or as a ``password`` parameter)
    hidden, for messages."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "(a URL that cannot be read)"
    netloc = parts.netloc
    if password is not None:
        netloc = f"{parts.username or ''}:***@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(
            [(name, "***" if name.lower() == "password" else value) for name, value in pairs],
            safe="*",
        )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _hidden(text: str, url: str) -> str:
    """``text`` with any password of ``url`` in it hidden."""
    secrets_in_url = [urlsplit(url).password or ""]
    secrets_in_url += [
        value for name, value in parse_qsl(urlsplit(url).query) if name.lower() == "password"
    ]
    for secret in secrets_in_url:
        if secret:
            text = text.replace(secret, "***")
    return text


def _server_of(client: redis.Redis) -> str:
    """Where ``client`` connects, without its password."""
    options = client.connection_pool.connection_kwargs
    if "path" in options:
        return f"unix://{options['path']}?db={options.get('db', 0)}"
    host, port = options.get("host", "localhost"), options.get("port", 6379)
    return f"redis://{host}:{port}/{options.get('db', 0)}"


@contextmanager
def _reaching(client: redis.Redis) -> Iterator[None]:
    """Redis's errors as :class:`~attribution.errors.SharedStateError`, naming the
    server."""
    try:
        yield
    except redis.RedisError as error:
        raise SharedStateError(
            f"shared state at {_server_of(client)}: Redis failed ({error})"
        ) from error
