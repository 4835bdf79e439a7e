"""Wikimedia Commons' and Flickr's APIs, faked on loopback for the tests.

:class:`FakeCommons` and :class:`FakeFlickr` are real HTTP/1.1 servers on 127.0.0.1 (a
thread per connection, keep-alive), started as context managers or together with
:func:`serving_fakes`; stopping one ends every connection and joins every thread it
started, also while an answer is being delayed. Their answers are written from the
APIs' public documentation:

Wikimedia Commons (MediaWiki's Action API at ``/w/api.php``)
    - API:Imageinfo, https://www.mediawiki.org/wiki/API:Imageinfo: ``action=query``,
      ``prop=imageinfo``, ``iiprop=extmetadata|url``, ``titles=A|B``; each page's
      ``imageinfo[0]`` with ``url``, ``descriptionurl``, ``descriptionshorturl``,
      ``extmetadata``; ``iiextmetadatafilter`` names the fields wanted (all when
      absent); ``query.normalized`` for titles written with underscores; missing
      pages ``{"ns": 6, "title": …, "missing": true}``; invalid titles
      ``{"title": …, "invalid": true, "invalidreason": …}``.
    - Extension:CommonsMetadata, https://www.mediawiki.org/wiki/Extension:CommonsMetadata:
      the ``extmetadata`` fields (``DateTime``, ``ObjectName``, ``CommonsMetadataExtension``,
      ``Categories``, ``Assessments``, ``ImageDescription``, ``DateTimeOriginal``,
      ``Credit``, ``Artist``, ``LicenseShortName``, ``UsageTerms``,
      ``AttributionRequired``, ``LicenseUrl``, ``Copyrighted``, ``Restrictions``,
      ``License``), each ``{"value", "source"}`` and ``"hidden": true`` for the
      fields the extension hides (``DateTime``, ``CommonsMetadataExtension``,
      ``Categories``, ``Assessments``).
    - API:JSON_version_2, https://www.mediawiki.org/wiki/API:JSON_version_2:
      ``format=json&formatversion=2``: ``query.pages`` is a list, booleans are
      ``true`` (and absent when false), ``batchcomplete: true``.
    - Manual:Maxlag_parameter, https://www.mediawiki.org/wiki/Manual:Maxlag_parameter:
      a lagged database answers HTTP 200 with ``{"error": {"code": "maxlag", "info":
      "Waiting for …: N seconds lagged", …}}``, ``Retry-After`` and ``X-Database-Lag``.

Flickr (the REST endpoint ``/services/rest/``)
    - flickr.photos.getInfo, https://www.flickr.com/services/api/flickr.photos.getInfo.html
    - flickr.photos.licenses.getInfo,
      https://www.flickr.com/services/api/flickr.photos.licenses.getInfo.html: the
      licences 0–10 as long documented, then the Creative Commons 4.0 licences
      Flickr added in June 2025 (11–16).
    - flickr.photos.licenses.getLicenseHistory,
      https://www.flickr.com/services/api/flickr.photos.licenses.getLicenseHistory.html:
      one entry per change (``date_change``, ``old_license``, ``old_license_url``,
      ``new_license``, ``new_license_url``); a photo whose licence never changed
      gives its original licence as ``old_license``, an empty ``new_license`` and
      the date it was posted.
    - JSON responses, https://www.flickr.com/services/api/response.json.html:
      ``format=json&nojsoncallback=1`` (without ``nojsoncallback`` the JSON is wrapped
      in ``jsonFlickrApi(…)``); text values as ``{"_content": …}``; success
      ``"stat": "ok"``; failure ``{"stat": "fail", "code": N, "message": …}`` with
      HTTP 200.
    - The error codes of those pages: 1 "Photo not found", 2 "Permission denied",
      100 "Invalid API Key", 105 "Service currently unavailable", 112 "Method not
      found".

What both fakes share (:class:`_FakeApi`): ``url`` (the endpoint's full URL);
``requests``, every request in the order it arrived (:class:`ApiRequest`: when, by
``time.monotonic()`` in the server, what it asked for, the status answered);
``fail_next(n, status=429, retry_after="2")`` to answer the next ``n`` requests with
that status (and ``Retry-After``, unless None); ``delay_next(n, seconds)`` to answer
the next ``n`` requests only after ``seconds``. :class:`FakeCommons` also has
``maxlag_next(n, retry_after="1")``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Self
from urllib.parse import parse_qsl, quote, urlsplit

from trackedserver import TrackedServer, serve_in_thread, stop_serving

Answer = tuple[int, dict[str, str], bytes]


@dataclass(frozen=True)
class ApiRequest:
    """One request a fake received: when it arrived (``time.monotonic()`` in the
    server), its path and parameters, what it asked for (a Flickr method, or the
    Commons titles), and the status it was answered with."""

    at: float
    path: str
    params: dict[str, str]
    method: str
    titles: tuple[str, ...]
    status: int


# --- the server -----------------------------------------------------------------------------


class _Server(TrackedServer):
    """A fake's server: a thread per connection, every one ended and joined when it
    closes (see tests/trackedserver.py)."""

    thread_name = "fake-api-connection"
    join_seconds = 10

    def __init__(self, fake: _FakeApi) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeApi/1.0"
    timeout = 15  # an idle kept-alive connection is closed after this long
    server: _Server

    def do_GET(self) -> None:
        self.server.fake._handle(self)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _FakeApi:
    """What both fakes share: the server's life, the log, and the faults."""

    path = "/"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._log: list[ApiRequest] = []
        self._failures: list[tuple[int, str | None]] = []
        self._delays: list[float] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life -------------------------------------------------------------------------------

    def start(self) -> Self:
        """Listen on a free port of 127.0.0.1 and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("the fake is already started")
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = serve_in_thread(self._server, type(self).__name__)
        return self

    def stop(self) -> None:
        """Stop serving: wake the delayed answers, end every connection, join every
        thread and close the listening socket."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._stopping.set()
        stop_serving(server, thread)
        self._server = self._thread = None

    @property
    def port(self) -> int:
        """The port the fake listens on."""
        if self._server is None:
            raise RuntimeError("the fake is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The endpoint's full URL."""
        return f"http://127.0.0.1:{self.port}{self.path}"

    # --- faults -----------------------------------------------------------------------------

    def fail_next(self, n: int, status: int = 429, retry_after: str | None = "2") -> None:
        """Answer the next ``n`` requests with ``status`` and ``Retry-After:
        retry_after`` (no header when None)."""
        with self._lock:
            self._failures.extend([(status, retry_after)] * n)

    def delay_next(self, n: int, seconds: float) -> None:
        """Answer the next ``n`` requests only after ``seconds`` (the answer is dropped
        when the fake stops first)."""
        with self._lock:
            self._delays.extend([seconds] * n)

    # --- the log ----------------------------------------------------------------------------

    @property
    def requests(self) -> list[ApiRequest]:
        """Every request received, in the order they arrived (a snapshot)."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self._log.clear()

    # --- answering --------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        arrived = time.monotonic()
        parts = urlsplit(handler.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            delay = self._delays.pop(0) if self._delays else None
        if delay is not None and self._stopping.wait(delay):
            handler.close_connection = True
            return
        if parts.path != self.path:
            status, headers, body = 404, {"Content-Type": "text/plain"}, b"Not Found"
        elif failure is not None:
            status, retry_after = failure
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if retry_after is not None:
                headers["Retry-After"] = retry_after
            body = b"<html><body><h1>Too many requests</h1></body></html>"
        else:
            status, headers, body = self._answer(params)
        method, titles = self._what(params)
        with self._lock:
            self._log.append(ApiRequest(arrived, parts.path, params, method, titles, status))
        with contextlib.suppress(OSError):
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)

    def _answer(self, params: dict[str, str]) -> Answer:
        raise NotImplementedError

    def _what(self, params: dict[str, str]) -> tuple[str, tuple[str, ...]]:
        return params.get("method", params.get("action", "")), ()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _json(value: object, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    body = json.dumps(value, ensure_ascii=False).encode("utf-8")
    return status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, body


# --- Wikimedia Commons ----------------------------------------------------------------------

COMMONS_SITE = "https://commons.wikimedia.org"
UPLOADS = "https://upload.wikimedia.org/wikipedia/commons"
# The fields CommonsMetadata hides from a file's page (shown as "hidden": true).
HIDDEN_FIELDS = frozenset({"DateTime", "CommonsMetadataExtension", "Categories", "Assessments"})
_TITLE_FORBIDDEN = "#<>[]|{}"


@dataclass
class CommonsFile:
    """A file held by :class:`FakeCommons`: its page id and its extmetadata fields as
    ``{field: (value, source)}``."""

    title: str
    pageid: int
    fields: dict[str, tuple[str, str]]
    deleted: bool = False


class FakeCommons(_FakeApi):
    """Wikimedia Commons' API (``/w/api.php``): ``action=query&prop=imageinfo&iiprop=
    extmetadata|url&titles=…&format=json&formatversion=2`` over the files added with
    :meth:`add_file`. ``requests`` logs the titles of each request (``count(title)``
    counts the requests that asked for one); ``maxlag_next`` answers like a lagged
    database."""

    path = "/w/api.php"

    def __init__(self) -> None:
        super().__init__()
        self._files: dict[str, CommonsFile] = {}
        self._maxlag: list[str | None] = []

    def add_file(
        self,
        title: str,
        *,
        licence_short_name: str,
        licence_url: str,
        artist_html: str,
        credit_html: str,
        usage_terms: str,
        attribution_required: str = "true",
        restrictions: str = "",
        copyrighted: str = "True",
        date_time: str = "2024-03-01 10:00:00",
    ) -> None:
        """Hold a file (``title`` as "File:Name.jpg", with spaces) whose description
        page says what the arguments say (``artist_html`` and ``credit_html`` as the
        API gives them: HTML)."""
        name = title.split(":", 1)[1]
        licence = licence_short_name.lower().replace(" ", "-")
        fields = {
            "DateTime": (date_time, "mediawiki-metadata"),
            "ObjectName": (name.rsplit(".", 1)[0], "mediawiki-metadata"),
            "CommonsMetadataExtension": ("1.2", "extension"),
            "Categories": ("Test images", "commons-categories"),
            "Assessments": ("", "commons-categories"),
            "ImageDescription": (f"A picture: {name}", "commons-desc-page"),
            "DateTimeOriginal": (date_time.split(" ", 1)[0], "commons-desc-page"),
            "Credit": (credit_html, "commons-desc-page"),
            "Artist": (artist_html, "commons-desc-page"),
            "LicenseShortName": (licence_short_name, "commons-desc-page"),
            "UsageTerms": (usage_terms, "commons-desc-page"),
            "AttributionRequired": (attribution_required, "commons-desc-page"),
            "LicenseUrl": (licence_url, "commons-desc-page"),
            "Copyrighted": (copyrighted, "commons-desc-page"),
            "Restrictions": (restrictions, "commons-desc-page"),
            "License": (licence, "commons-templates"),
        }
        if not licence_url:
            del fields["LicenseUrl"]
        with self._lock:
            self._files[title] = CommonsFile(title, 1000 + len(self._files), fields)

    def delete_file(self, title: str) -> None:
        """Delete a file: the next answers say it is missing."""
        with self._lock:
            self._files[title].deleted = True

    def maxlag_next(self, n: int, retry_after: str | None = "1") -> None:
        """Answer the next ``n`` requests as a lagged database does: HTTP 200 with the
        maxlag error, ``Retry-After`` (unless None) and ``X-Database-Lag``."""
        with self._lock:
            self._maxlag.extend([retry_after] * n)

    def count(self, title: str | None = None) -> int:
        """How many requests arrived (that asked for ``title``, as written in them)."""
        return sum(1 for request in self.requests if title is None or title in request.titles)

    def _what(self, params: dict[str, str]) -> tuple[str, tuple[str, ...]]:
        titles = tuple(params["titles"].split("|")) if params.get("titles") else ()
        return params.get("action", ""), titles

    def _answer(self, params: dict[str, str]) -> Answer:
        with self._lock:
            lagged = self._maxlag.pop(0) if self._maxlag else False
        if lagged is not False:
            return self._lagged(lagged)
        if params.get("format") != "json" or params.get("formatversion") != "2":
            return _json(
                {"error": {"code": "badvalue", "info": "The fake speaks formatversion=2 JSON."}}
            )
        if params.get("action") != "query" or params.get("prop") != "imageinfo":
            return _json(
                {"error": {"code": "badvalue", "info": "The fake answers prop=imageinfo."}}
            )
        wanted = set(filter(None, params.get("iiprop", "timestamp|user").split("|")))
        only = params.get("iiextmetadatafilter")
        allowed = set(only.split("|")) if only else None
        normalized: list[dict[str, object]] = []
        pages: list[dict[str, object]] = []
        for written in filter(None, params.get("titles", "").split("|")):
            title = written.replace("_", " ").strip()
            if title != written:
                normalized.append({"fromencoded": False, "from": written, "to": title})
            pages.append(self._page(title, wanted, allowed))
        query: dict[str, object] = {"pages": pages}
        if normalized:
            query = {"normalized": normalized, **query}
        return _json({"batchcomplete": True, "query": query})

    def _page(self, title: str, wanted: set[str], allowed: set[str] | None) -> dict[str, object]:
        bad = next((char for char in title if char in _TITLE_FORBIDDEN), None)
        if bad is not None or not title:
            reason = (
                f'The requested page title contains invalid characters: "{bad}".'
                if bad
                else "The requested page title is empty or contains only the name of a namespace."
            )
            return {"title": title, "invalidreason": reason, "invalid": True}
        with self._lock:
            held = self._files.get(title)
        if held is None or held.deleted:
            return {"ns": 6, "title": title, "missing": True, "known": False}
        name = title.split(":", 1)[1].replace(" ", "_")
        digest = hashlib.md5(name.encode("utf-8")).hexdigest()
        info: dict[str, object] = {}
        if "url" in wanted:
            info["url"] = f"{UPLOADS}/{digest[0]}/{digest[:2]}/{quote(name)}"
            info["descriptionurl"] = f"{COMMONS_SITE}/wiki/File:{quote(name)}"
            info["descriptionshorturl"] = f"{COMMONS_SITE}/w/index.php?curid={held.pageid}"
        if "extmetadata" in wanted:
            metadata: dict[str, dict[str, object]] = {}
            for key, (value, source) in held.fields.items():
                if allowed is not None and key not in allowed:
                    continue
                metadata[key] = {"value": value, "source": source}
                if key in HIDDEN_FIELDS:
                    metadata[key]["hidden"] = True
            info["extmetadata"] = metadata
        return {
            "pageid": held.pageid,
            "ns": 6,
            "title": title,
            "imagerepository": "local",
            "imageinfo": [info],
        }

    def _lagged(self, retry_after: str | None) -> Answer:
        headers = {"X-Database-Lag": "7"}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        error = {
            "code": "maxlag",
            "info": "Waiting for 10.64.16.1: 7 seconds lagged.",
            "host": "10.64.16.1",
            "lag": 7,
            "type": "db",
            "docref": "See https://commons.wikimedia.org/w/api.php for API usage.",
        }
        return _json({"error": error, "servedby": "mw-api-fake"}, 200, headers)


# --- Flickr -----------------------------------------------------------------------------------

_ALL_RIGHTS = (
    "https://www.flickrhelp.com/hc/en-us/articles/"
    "10710266545556-Using-Flickr-images-shared-by-other-members"
)
# flickr.photos.licenses.getInfo: 0–10 as long documented, then the 4.0 licences of 2025.
FLICKR_LICENCES: tuple[tuple[int, str, str], ...] = (
    (0, "All Rights Reserved", _ALL_RIGHTS),
    (
        1,
        "Attribution-NonCommercial-ShareAlike License",
        "https://creativecommons.org/licenses/by-nc-sa/2.0/",
    ),
    (2, "Attribution-NonCommercial License", "https://creativecommons.org/licenses/by-nc/2.0/"),
    (
        3,
        "Attribution-NonCommercial-NoDerivs License",
        "https://creativecommons.org/licenses/by-nc-nd/2.0/",
    ),
    (4, "Attribution License", "https://creativecommons.org/licenses/by/2.0/"),
    (5, "Attribution-ShareAlike License", "https://creativecommons.org/licenses/by-sa/2.0/"),
    (6, "Attribution-NoDerivs License", "https://creativecommons.org/licenses/by-nd/2.0/"),
    (7, "No known copyright restrictions", "https://www.flickr.com/commons/usage/"),
    (8, "United States Government Work", "http://www.usa.gov/copyright.shtml"),
    (9, "Public Domain Dedication (CC0)", "https://creativecommons.org/publicdomain/zero/1.0/"),
    (10, "Public Domain Mark", "https://creativecommons.org/publicdomain/mark/1.0/"),
    (11, "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    (12, "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"),
    (13, "CC BY-ND 4.0", "https://creativecommons.org/licenses/by-nd/4.0/"),
    (14, "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/"),
    (15, "CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    (16, "CC BY-NC-ND 4.0", "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
)
_LICENCES = {number: (name, url) for number, name, url in FLICKR_LICENCES}
FLICKR_ERRORS = {
    1: "Photo not found",
    2: "Permission denied",
    100: "Invalid API Key (Key not found)",
    105: "Service currently unavailable",
    112: "Method not found",
}


@dataclass
class FlickrPhoto:
    """A photo held by :class:`FakeFlickr`."""

    photo_id: str
    licence_id: int
    owner_nsid: str
    username: str
    realname: str
    path_alias: str
    posted: int
    first_licence: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)
    private: bool = False
    deleted: bool = False


class FakeFlickr(_FakeApi):
    """Flickr's REST API (``/services/rest/``): ``flickr.photos.getInfo``,
    ``flickr.photos.licenses.getInfo`` and ``flickr.photos.licenses.getLicenseHistory``
    in JSON, for ``api_key`` equal to :attr:`api_key`. ``count(method, photo_id)``
    counts the requests for a method (and photo)."""

    path = "/services/rest/"

    def __init__(self, api_key: str = "fake-flickr-key") -> None:
        super().__init__()
        self.api_key = api_key
        self._photos: dict[str, FlickrPhoto] = {}

    def add_photo(
        self,
        photo_id: str,
        *,
        licence_id: int,
        owner_nsid: str,
        username: str,
        realname: str,
        path_alias: str,
        posted: int,
    ) -> None:
        """Hold a public photo posted at ``posted`` (a Unix time) under ``licence_id``."""
        if licence_id not in _LICENCES:
            raise ValueError(f"Flickr has no licence {licence_id}")
        with self._lock:
            self._photos[photo_id] = FlickrPhoto(
                photo_id,
                licence_id,
                owner_nsid,
                username,
                realname,
                path_alias,
                posted,
                first_licence=licence_id,
            )

    def change_licence(self, photo_id: str, new_id: int, at: int) -> None:
        """Change a photo's licence at ``at`` (a Unix time); its history records it."""
        if new_id not in _LICENCES:
            raise ValueError(f"Flickr has no licence {new_id}")
        with self._lock:
            photo = self._photos[photo_id]
            old_name, old_url = _LICENCES[photo.licence_id]
            new_name, new_url = _LICENCES[new_id]
            photo.changes.append(
                {
                    "date_change": at,
                    "old_license": old_name,
                    "old_license_url": old_url,
                    "new_license": new_name,
                    "new_license_url": new_url,
                }
            )
            photo.licence_id = new_id

    def make_private(self, photo_id: str) -> None:
        """Hide a photo from the public: its methods answer code 2."""
        with self._lock:
            self._photos[photo_id].private = True

    def delete_photo(self, photo_id: str) -> None:
        """Delete a photo: its methods answer code 1."""
        with self._lock:
            self._photos[photo_id].deleted = True

    def count(self, method: str | None = None, photo_id: str | None = None) -> int:
        """How many requests arrived (for ``method``, for ``photo_id``)."""
        return sum(
            1
            for request in self.requests
            if (method is None or request.method == method)
            and (photo_id is None or request.params.get("photo_id") == photo_id)
        )

    def _answer(self, params: dict[str, str]) -> Answer:
        if params.get("format") != "json":
            body = b'<?xml version="1.0" encoding="utf-8" ?>\n<rsp stat="fail">\n\t<err code="111" msg="Format not found" />\n</rsp>\n'
            return 200, {"Content-Type": "text/xml; charset=utf-8"}, body
        wrap = params.get("nojsoncallback") != "1"
        if params.get("api_key") != self.api_key:
            return self._reply(_failure(100), wrap)
        method = params.get("method", "")
        if method == "flickr.photos.licenses.getInfo":
            licences = [{"id": n, "name": name, "url": url} for n, name, url in FLICKR_LICENCES]
            return self._reply({"licenses": {"license": licences}, "stat": "ok"}, wrap)
        if method not in ("flickr.photos.getInfo", "flickr.photos.licenses.getLicenseHistory"):
            return self._reply(_failure(112, f'Method "{method}" not found'), wrap)
        with self._lock:
            photo = self._photos.get(params.get("photo_id", ""))
        if photo is None or photo.deleted:
            return self._reply(_failure(1), wrap)
        if photo.private:
            return self._reply(_failure(2), wrap)
        if method == "flickr.photos.getInfo":
            return self._reply({"photo": _photo_info(photo), "stat": "ok"}, wrap)
        return self._reply({"license_history": _history(photo), "stat": "ok"}, wrap)

    @staticmethod
    def _reply(value: dict[str, object], wrap: bool) -> Answer:
        if not wrap:
            return _json(value)
        body = b"jsonFlickrApi(" + json.dumps(value).encode("utf-8") + b")"
        return 200, {"Content-Type": "application/json; charset=utf-8"}, body


def _failure(code: int, message: str | None = None) -> dict[str, object]:
    return {"stat": "fail", "code": code, "message": message or FLICKR_ERRORS[code]}


def _photo_info(photo: FlickrPhoto) -> dict[str, object]:
    """flickr.photos.getInfo's ``photo``, in JSON."""
    owner_path = photo.path_alias or photo.owner_nsid
    return {
        "id": photo.photo_id,
        "secret": "1e92283336",
        "server": "65535",
        "farm": 66,
        "dateuploaded": str(photo.posted),
        "isfavorite": 0,
        "license": str(photo.licence_id),
        "safety_level": "0",
        "rotation": 0,
        "originalformat": "jpg",
        "owner": {
            "nsid": photo.owner_nsid,
            "username": photo.username,
            "realname": photo.realname,
            "location": "",
            "iconserver": "0",
            "iconfarm": 0,
            "path_alias": photo.path_alias,
        },
        "title": {"_content": f"Photo {photo.photo_id}"},
        "description": {"_content": ""},
        "visibility": {"ispublic": 1, "isfriend": 0, "isfamily": 0},
        "dates": {
            "posted": str(photo.posted),
            "taken": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(photo.posted)),
            "takengranularity": 0,
            "takenunknown": "0",
            "lastupdate": str(max([photo.posted, *(c["date_change"] for c in photo.changes)])),
        },
        "views": "17",
        "editability": {"cancomment": 0, "canaddmeta": 0},
        "publiceditability": {"cancomment": 1, "canaddmeta": 0},
        "usage": {"candownload": 1, "canblog": 0, "canprint": 0, "canshare": 1},
        "comments": {"_content": "0"},
        "notes": {"note": []},
        "people": {"haspeople": 0},
        "tags": {"tag": []},
        "urls": {
            "url": [
                {
                    "type": "photopage",
                    "_content": f"https://www.flickr.com/photos/{owner_path}/{photo.photo_id}/",
                }
            ]
        },
        "media": "photo",
    }


def _history(photo: FlickrPhoto) -> list[dict[str, object]]:
    """flickr.photos.licenses.getLicenseHistory's ``license_history``, in JSON."""
    if photo.changes:
        return [dict(change) for change in photo.changes]
    name, url = _LICENCES[photo.first_licence]
    return [
        {
            "date_change": photo.posted,
            "old_license": name,
            "old_license_url": url,
            "new_license": "",
            "new_license_url": "",
        }
    ]


def add_penguin_photo(
    flickr: FakeFlickr, photo_id: str = "5550001234", *, posted: int = 1577836800
) -> None:
    """Arctic Penguin's photo under Flickr's Attribution License (CC BY 2.0), posted on
    2020-01-01 by default: the picture the end-to-end tests, the schemas' scenario and
    the benchmark check."""
    flickr.add_photo(
        photo_id,
        licence_id=4,
        owner_nsid="12345678@N00",
        username="arcticpenguin",
        realname="Arctic Penguin",
        path_alias="arcticpenguin",
        posted=posted,
    )


# --- both -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fakes:
    """Both fakes, started."""

    commons: FakeCommons
    flickr: FakeFlickr


@contextlib.contextmanager
def serving_fakes(flickr_key: str = "fake-flickr-key") -> Iterator[Fakes]:
    """Both fakes serving while the block runs; stopped (every connection and thread
    ended) when it leaves."""
    commons, flickr = FakeCommons(), FakeFlickr(flickr_key)
    commons.start()
    try:
        flickr.start()
        try:
            yield Fakes(commons, flickr)
        finally:
            flickr.stop()
    finally:
        commons.stop()
