"""A scan's alerts: the JSON document, the Slack message and the mail, sent to real
receivers on loopback (the HTTP server of conftest.py and a small SMTP server below)."""

from __future__ import annotations

import json
import re
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import LoopbackServer, send
from faultserver import FaultServer
from jsonschema import Draft202012Validator

from attribution.app.alerts import Destination, has_news, parse_destination, send_alerts
from attribution.errors import UsageError
from attribution.fetch.mail import MailSettings
from attribution.fetch.settings import FetchSettings
from attribution.fetch.webhook import shown_url
from attribution.records import NewFinding, ScanSummary, Severity
from attribution.render.alerts import (
    MAX_FINDINGS,
    SLACK_MAX_BLOCKS,
    SLACK_SECTION_CHARS,
    alert_headline,
    alert_json,
    alert_mail,
    slack_escape,
    slack_payload,
)

SCHEMA = Path(__file__).parent.parent / "docs" / "json" / "alert.schema.json"
HOOK = "/services/T000/B000/s3cr3t"  # a webhook's path is its secret
HOSTILE = "<!channel> <script>alert(1)</script> & <https://evil.example|click here> &amp;"
SETTINGS = FetchSettings(total_timeout=5.0, retries=1)
SENDER = "attribution@example.com"


# --- what a scan found --------------------------------------------------------------------


def finding(
    message: str = "No credit for the picture.",
    severity: Severity = Severity.WARNING,
    number: int = 0,
    image: bool = True,
) -> NewFinding:
    page = f"https://www.example.com/story-{number}"
    return NewFinding(
        rule="missing-credit",
        severity=severity,
        page_url=page,
        image_url=f"{page}/picture.jpg" if image else None,
        message=message,
    )


def summary(
    *findings: NewFinding,
    failed: tuple[tuple[str, str], ...] = (),
    problems: tuple[str, ...] = (),
    run_id: int | None = 12,
    site: str = "www.example.com",
    status: str = "finished",
) -> ScanSummary:
    started = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
    return ScanSummary(
        run_id=run_id,
        site=site,
        status=status,
        started_at=started,
        finished_at=started + timedelta(minutes=14),
        checked=120,
        unchanged=800,
        failed=failed,
        skipped=(("robots.txt", 3),),
        problems=problems,
        new_findings=findings,
        resolved_findings=4,
    )


# --- receivers ----------------------------------------------------------------------------


@dataclass
class Posted:
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


Answer = tuple[int, bytes, dict[str, str]]


def webhook(
    server: LoopbackServer, answers: list[Answer] | None = None, path: str = HOOK
) -> list[Posted]:
    """A webhook at ``path`` that keeps what is POSTed to it and gives ``answers`` in
    turn (200 "ok" once they are used up)."""
    posted: list[Posted] = []
    pending = list(answers or [])

    def route(handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        posted.append(Posted(dict(handler.headers.items()), handler.rfile.read(length)))
        status, body, headers = pending.pop(0) if pending else (200, b"ok", {})
        send(handler, body, "text/plain", status, headers)

    server.routes[path] = route
    return posted


@dataclass
class Delivered:
    sender: str
    recipients: list[str]
    data: bytes

    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpReceiver:
    """A mail server on 127.0.0.1 that speaks just enough SMTP (RFC 5321: EHLO or HELO,
    MAIL, RCPT, DATA, RSET, NOOP, QUIT) and keeps what it is given. It can refuse some
    recipients, answer DATA with an error, or never greet (a server that hangs)."""

    refused: frozenset[str] = frozenset()
    data_answer: str = "250 2.0.0 Queued"
    greet: bool = True
    delivered: list[Delivered] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 10

            def reply(self, *lines: str) -> None:
                self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())

            def handle(self) -> None:
                if not receiver.greet:
                    receiver.stop.wait(30)
                    return
                self.reply("220 127.0.0.1 ESMTP test receiver")
                sender, recipients = "", []
                while line := self.rfile.readline(4096):
                    verb, _, argument = line.decode("utf-8").rstrip("\r\n").partition(" ")
                    verb = verb.upper()
                    address = argument.partition("<")[2].partition(">")[0]
                    if verb == "EHLO":
                        self.reply("250-127.0.0.1", "250 8BITMIME")
                    elif verb == "HELO":
                        self.reply("250 127.0.0.1")
                    elif verb == "MAIL":
                        sender, recipients = address, []
                        self.reply("250 2.1.0 OK")
                    elif verb == "RCPT" and address in receiver.refused:
                        self.reply("550 5.1.1 No such user here")
                    elif verb == "RCPT":
                        recipients.append(address)
                        self.reply("250 2.1.5 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        data = self.read_data()
                        if receiver.data_answer.startswith("250"):
                            receiver.delivered.append(Delivered(sender, recipients, data))
                        self.reply(receiver.data_answer)
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 2.0.0 OK")
                    elif verb == "QUIT":
                        self.reply("221 2.0.0 Bye")
                        return
                    else:
                        self.reply("502 5.5.2 Command not implemented")

            def read_data(self) -> bytes:
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line[1:] if line.startswith(b".") else line)  # dot-stuffing
                return b"".join(lines)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def settings(self, **changes: Any) -> MailSettings:
        return MailSettings(host="127.0.0.1", port=self.port, sender=SENDER, **changes)

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    """A fresh loopback mail server for one test."""
    receiver = SmtpReceiver()
    yield receiver
    receiver.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def mail_settings_nowhere() -> MailSettings:
    return MailSettings(host="127.0.0.1", port=closed_port(), sender=SENDER)


# --- the JSON document --------------------------------------------------------------------


def test_a_webhook_receives_the_alert_document(server: LoopbackServer) -> None:
    posted = webhook(server)
    scan = summary(finding(), finding(severity=Severity.ERROR, number=1, image=False))
    destination = parse_destination(server.url(HOOK))

    problems = send_alerts([destination], scan, settings=SETTINGS, mail=mail_settings_nowhere())

    assert problems == []
    assert len(posted) == 1
    assert posted[0].headers["Content-Type"] == "application/json"
    assert posted[0].headers["User-Agent"] == SETTINGS.user_agent
    document = posted[0].json()
    assert document == alert_json(scan)
    assert document["headline"] == "attribution: 2 new findings on www.example.com (run 12)"
    assert document["counts"] == {
        "checked": 120,
        "unchanged": 800,
        "failed": 0,
        "skipped": 3,
        "new_findings": 2,
        "resolved_findings": 4,
    }
    assert [f["severity"] for f in document["new_findings"]] == ["error", "warning"]
    assert document["new_findings"][0] == {
        "rule": "missing-credit",
        "severity": "error",
        "page_url": "https://www.example.com/story-1",
        "image_url": None,
        "message": "No credit for the picture.",
    }
    assert document["started_at"] == "2026-11-03T02:00:00+00:00"


def test_alert_json_caps_its_lists_and_texts_and_matches_its_schema() -> None:
    notices = [finding("n" * 10_000, Severity.NOTICE, n) for n in range(MAX_FINDINGS)]
    errors = [finding("e\r\nBcc: x@example.com", Severity.ERROR, n) for n in range(50)]
    failed = tuple((f"https://www.example.com/{n}", "HTTP 500\nagain") for n in range(60))
    problems = tuple(f"https://www.example.com/feed-{n}: HTTP 404" for n in range(25))
    document = alert_json(summary(*notices, *errors, failed=failed, problems=problems))

    assert len(document["new_findings"]) == MAX_FINDINGS
    assert document["more_new_findings"] == 50
    assert [f["severity"] for f in document["new_findings"][:50]] == ["error"] * 50
    assert document["new_findings"][0]["message"] == "e Bcc: x@example.com"
    assert len(document["new_findings"][-1]["message"]) == 500
    assert document["new_findings"][-1]["message"].endswith("…")
    assert document["counts"]["new_findings"] == 250
    assert document["new_by_severity"] == {"error": 50, "warning": 0, "notice": 200}
    assert (len(document["failed"]), document["more_failed"]) == (50, 10)
    assert document["failed"][0]["reason"] == "HTTP 500 again"
    assert (len(document["problems"]), document["more_problems"]) == (20, 5)
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert not list(validator.iter_errors(document))


def test_every_alert_can_be_encoded_whatever_the_page_held() -> None:
    broken = NewFinding(
        rule="missing-credit",
        severity=Severity.NOTICE,
        page_url="https://www.example.com/\ud800",
        image_url="https://www.example.com/\udfff.jpg",
        message="half a pair: \ud83d\x00\x1b[31m\u202e",
    )
    scan = summary(broken)
    document = alert_json(scan)
    assert document["new_findings"][0]["image_url"] == "https://www.example.com/\ufffd.jpg"
    assert document["new_findings"][0]["message"] == "half a pair: \ufffd[31m"
    json.dumps(document, ensure_ascii=False).encode("utf-8")
    json.dumps(slack_payload(scan), ensure_ascii=False).encode("utf-8")
    alert_mail(scan, SENDER, ["legal@example.com"], attach_json=True).as_bytes()


@pytest.mark.parametrize(
    ("scan", "headline"),
    [
        (summary(finding()), "attribution: 1 new finding on www.example.com (run 12)"),
        (summary(run_id=None), "attribution: no new findings on www.example.com"),
        (
            summary(finding(), finding(number=1), status="interrupted"),
            "attribution: 2 new findings on www.example.com (run 12, interrupted)",
        ),
        (
            summary(failed=(("https://www.example.com/a", "HTTP 500"),), problems=("feed",)),
            "attribution: no new findings on www.example.com (run 12); "
            "1 page could not be checked, 1 source could not be read",
        ),
        (
            summary(site="www.example.com\r\nBcc: evil@example.com"),
            "attribution: no new findings on www.example.com Bcc: evil@example.com (run 12)",
        ),
    ],
)
def test_the_headline_says_what_the_scan_found_in_one_line(
    scan: ScanSummary, headline: str
) -> None:
    assert alert_headline(scan) == headline


# --- Slack --------------------------------------------------------------------------------


def texts(payload: dict[str, Any]) -> list[str]:
    """Every text of a Slack message: the fallback and each block's."""
    found = [payload["text"]]
    for block in payload["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [element["text"] for element in block.get("elements", [])]
    return found


def test_slack_receives_a_message_in_which_page_text_cannot_mention_or_link(
    server: LoopbackServer,
) -> None:
    posted = webhook(server)
    scan = summary(
        finding(HOSTILE),
        finding("*bold* _it_ `code` @channel", Severity.ERROR, 1),
        failed=(("https://www.example.com/<!here>", "HTTP 500 <!everyone>"),),
        problems=("feed <@U024BE7LH> said no",),
    )

    destination = parse_destination("slack:" + server.url(HOOK))
    problems = send_alerts([destination], scan, settings=SETTINGS, mail=mail_settings_nowhere())

    assert problems == []
    payload = posted[0].json()
    assert payload == slack_payload(scan)
    assert payload["unfurl_links"] is False and payload["unfurl_media"] is False
    for text in texts(payload):
        assert "<" not in text and ">" not in text
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), "a bare ampersand"
    everything = "\n".join(texts(payload))
    assert (
        "&lt;!channel&gt; &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;https://evil"
        in everything
    )
    assert "&amp;amp;" in everything  # what the page wrote as "&amp;" stays as written
    assert "&lt;!here&gt;" in everything and "&lt;!everyone&gt;" in everything
    assert "&lt;@U024BE7LH&gt;" in everything
    assert all(block["text"]["verbatim"] is True for block in payload["blocks"])
    assert payload["text"] == "attribution: 2 new findings on www.example.com (run 12); " + (
        "1 page could not be checked, 1 source could not be read"
    )


def test_slack_message_stays_within_slacks_limits() -> None:
    huge = ("&<>" * 3000) + "\n" + "x" * 20_000
    scan = summary(
        *(finding(huge, Severity.ERROR, n) for n in range(1000)),
        failed=tuple((f"https://www.example.com/{'&' * 3000}{n}", huge) for n in range(300)),
        problems=tuple(huge for _ in range(100)),
    )

    payload = slack_payload(scan)

    assert len(payload["blocks"]) <= SLACK_MAX_BLOCKS
    sections = [block["text"]["text"] for block in payload["blocks"]]
    assert all(len(text) <= SLACK_SECTION_CHARS for text in sections)
    assert sum(len(text) for text in sections) <= 12_000
    for text in texts(payload):
        assert "<" not in text and ">" not in text
        assert not re.search(r"&(?!amp;|lt;|gt;)", text), "an entity cut in two"
    shown = sum(text.count("• *error*") for text in sections)
    more = [int(n) for n in re.findall(r"_…and (\d+) more, not shown here_", "\n".join(sections))]
    assert 0 < shown < 1000
    assert more[0] == 1000 - shown
    assert len(more) == 3  # the findings, the failed pages and the problems each say it


@pytest.mark.parametrize("limit", range(1, 12))
def test_slack_escape_shortens_without_cutting_an_entity(limit: int) -> None:
    escaped = slack_escape("a&b<c>d", limit)
    assert len(escaped) <= limit
    assert not re.search(r"&(?!amp;|lt;|gt;)", escaped)
    assert escaped == "a&amp;b&lt;c&gt;d"[: len(escaped)] or escaped.endswith("…")


# --- mail ---------------------------------------------------------------------------------


def test_a_mail_destination_gets_a_plain_text_mail(smtp: SmtpReceiver) -> None:
    scan = summary(finding(), failed=(("https://www.example.com/gone", "HTTP 404"),))
    destination = parse_destination("mailto:legal@example.com,Desk%40example.com?subject=x")

    problems = send_alerts([destination], scan, settings=SETTINGS, mail=smtp.settings())

    assert problems == []
    (delivered,) = smtp.delivered
    assert delivered.sender == SENDER
    assert delivered.recipients == ["legal@example.com", "Desk@example.com"]
    message = delivered.message()
    assert message["Subject"] == alert_headline(scan)
    assert message["To"] == "legal@example.com, Desk@example.com"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "[warning] missing-credit: No credit for the picture." in body
    assert "  image: https://www.example.com/story-0/picture.jpg" in body
    assert "  https://www.example.com/gone: HTTP 404" in body


def test_page_text_cannot_inject_a_mail_header(smtp: SmtpReceiver) -> None:
    injected = "Caption\r\nBcc: victim@example.net\r\nX-Injected: yes\r\n\r\nforged body\n.\n"
    hostile = NewFinding(
        rule="missing-credit",
        severity=Severity.ERROR,
        page_url="https://www.example.com/a\r\nCc: other@example.net",
        image_url="https://www.example.com/a.jpg\nX-Image: yes",
        message=injected,
    )
    scan = summary(hostile, site="www.example.com\r\nBcc: site@example.net")

    problems = send_alerts(
        [parse_destination("mailto:legal@example.com")],
        scan,
        settings=SETTINGS,
        mail=smtp.settings(),
    )

    assert problems == []
    (delivered,) = smtp.delivered
    assert delivered.recipients == ["legal@example.com"]
    message = delivered.message()
    assert set(message.keys()) == {
        "Subject",
        "From",
        "To",
        "Date",
        "Message-ID",
        "Auto-Submitted",
        "Content-Type",
        "Content-Transfer-Encoding",
        "MIME-Version",
    }
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    body = message.get_content().replace("\r\n", "\n")
    assert (
        "[error] missing-credit: Caption Bcc: victim@example.net X-Injected: yes forged body.\n"
        in body
    )
    assert "  page:  https://www.example.com/a Cc: other@example.net" in body


@pytest.mark.parametrize(
    "address", ["a@example.com\r\nBcc: b@example.com", "a b@example.com", "<a@example.com>", "a"]
)
def test_a_mail_goes_only_to_plain_addresses(address: str) -> None:
    with pytest.raises(UsageError, match="not an e-mail address"):
        alert_mail(summary(finding()), SENDER, [address])
    with pytest.raises(UsageError, match="not an e-mail address"):
        alert_mail(summary(finding()), address, ["legal@example.com"])


def test_the_json_document_can_be_attached_to_the_mail() -> None:
    scan = summary(finding(HOSTILE))
    message = alert_mail(scan, SENDER, ["legal@example.com"], attach_json=True)
    parsed = message_from_bytes(message.as_bytes(), policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    body, attachment = parsed.iter_parts()
    assert body.get_content_type() == "text/plain"
    assert attachment.get_filename() == "attribution-alert.json"
    assert json.loads(attachment.get_content()) == alert_json(scan)


# --- failures: one line each, never raised -------------------------------------------------


def one_line(problem: str) -> str:
    assert "\n" not in problem and "\r" not in problem
    assert "s3cr3t" not in problem, "the webhook's secret path is shown"
    return problem


def test_a_webhook_answering_500_gives_one_line_and_the_others_are_still_sent(
    server: LoopbackServer, smtp: SmtpReceiver
) -> None:
    failing = webhook(server, [(500, b"boom\r\nX-Header: injected\r\n" + b"x" * 5000, {})])
    working = webhook(server, path="/other")
    destinations = [
        parse_destination(server.url(HOOK)),
        parse_destination(server.url("/other")),
        parse_destination("mailto:legal@example.com"),
    ]

    problems = send_alerts(
        destinations, summary(finding()), settings=SETTINGS, mail=smtp.settings()
    )

    (problem,) = map(one_line, problems)
    assert problem.startswith(f"alert to {server.base}/… not sent: the webhook answered HTTP 500")
    assert "boom X-Header: injected xxx" in problem
    assert len(problem) < 400
    assert len(failing) == 1, "a 500 is not posted again: the receiver may have taken it"
    assert len(working) == 1 and len(smtp.delivered) == 1


def test_a_webhook_that_does_not_answer_gives_one_line(faults: FaultServer) -> None:
    faults.routes[HOOK] = FaultServer.no_answer()
    settings = FetchSettings(total_timeout=0.5, read_timeout=5.0)

    problems = send_alerts(
        [parse_destination("slack:" + faults.url(HOOK))],
        summary(finding()),
        settings=settings,
        mail=mail_settings_nowhere(),
    )

    assert list(map(one_line, problems)) == [
        f"alert to slack:{faults.base}/… not sent: the webhook did not answer within 0.5 s"
    ]


def test_a_webhook_that_cannot_be_reached_gives_one_line() -> None:
    url = f"http://127.0.0.1:{closed_port()}{HOOK}"
    problems = send_alerts(
        [parse_destination(url)], summary(finding()), settings=SETTINGS, mail=MailSettings()
    )
    (problem,) = map(one_line, problems)
    assert problem.endswith("not sent: could not connect (connection refused)")


def test_a_redirect_is_not_followed_for_a_webhook(server: LoopbackServer) -> None:
    elsewhere = server.url("/elsewhere/s3cr3t")
    webhook(server, [(307, b"", {"Location": elsewhere})])
    moved = webhook(server, path="/elsewhere/s3cr3t")

    problems = send_alerts(
        [parse_destination(server.url(HOOK))],
        summary(finding()),
        settings=SETTINGS,
        mail=MailSettings(),
    )

    (problem,) = map(one_line, problems)
    assert f"HTTP 307 Temporary Redirect, a redirect to {server.base}/… (redirects" in problem
    assert moved == []


def test_a_busy_webhook_is_asked_again(server: LoopbackServer) -> None:
    posted = webhook(server, [(503, b"busy", {"Retry-After": "0"}), (429, b"slow down", {})])
    problems = send_alerts(
        [parse_destination(server.url(HOOK))],
        summary(finding()),
        settings=FetchSettings(retries=2),
        mail=MailSettings(),
    )
    assert problems == []
    assert len(posted) == 3
    assert posted[0].body == posted[2].body


def test_a_private_webhook_is_refused_where_targets_may_not_be_private(
    server: LoopbackServer,
) -> None:
    posted = webhook(server)
    problems = send_alerts(
        [parse_destination(server.url(HOOK))],
        summary(finding()),
        settings=FetchSettings(private_targets=False),
        mail=MailSettings(),
    )
    (problem,) = map(one_line, problems)
    assert "resolves to a private address (127.0.0.1, loopback)" in problem
    assert posted == []


@pytest.mark.parametrize(
    ("behaviour", "reason"),
    [
        (
            {"refused": frozenset({"legal@example.com"})},
            "refused the recipients legal@example.com (550 5.1.1 No such user here)",
        ),
        (
            {"data_answer": "554 5.7.1 Message rejected as spam"},
            "answered 554 5.7.1 Message rejected as spam",
        ),
        ({"greet": False}, "did not answer within 0.5 s"),
    ],
    ids=["recipient-refused", "data-refused", "no-greeting"],
)
def test_a_mail_server_that_refuses_or_hangs_gives_one_line(
    behaviour: dict[str, Any], reason: str
) -> None:
    receiver = SmtpReceiver(**behaviour)
    try:
        problems = send_alerts(
            [parse_destination("mailto:legal@example.com")],
            summary(finding()),
            settings=SETTINGS,
            mail=receiver.settings(timeout=0.5),
        )
    finally:
        receiver.close()
    assert list(map(one_line, problems)) == [
        f"alert to mailto:legal@example.com not sent: the mail server "
        f"127.0.0.1:{receiver.port} {reason}"
    ]
    assert receiver.delivered == []


def test_some_recipients_refused_is_said_and_the_others_get_the_mail() -> None:
    receiver = SmtpReceiver(refused=frozenset({"gone@example.com"}))
    try:
        problems = send_alerts(
            [parse_destination("mailto:legal@example.com,gone@example.com")],
            summary(finding()),
            settings=SETTINGS,
            mail=receiver.settings(),
        )
    finally:
        receiver.close()
    (problem,) = map(one_line, problems)
    assert problem.endswith(
        "refused the recipients gone@example.com (550 5.1.1 No such user here) (sent to the others)"
    )
    assert [d.recipients for d in receiver.delivered] == [["legal@example.com"]]


def test_a_mail_server_that_cannot_be_reached_gives_one_line() -> None:
    settings = mail_settings_nowhere()
    problems = send_alerts(
        [parse_destination("mailto:legal@example.com")],
        summary(finding()),
        settings=SETTINGS,
        mail=settings,
    )
    assert problems == [
        "alert to mailto:legal@example.com not sent: could not connect to the mail server "
        f"127.0.0.1:{settings.port} (connection refused)"
    ]


def test_a_password_is_never_sent_without_starttls(smtp: SmtpReceiver) -> None:
    problems = send_alerts(
        [parse_destination("mailto:legal@example.com")],
        summary(finding()),
        settings=SETTINGS,
        mail=smtp.settings(username="alerts", password="secret"),
    )
    assert problems == [
        "alert to mailto:legal@example.com not sent: "
        "not sent: a password is sent only over STARTTLS (set starttls)"
    ]
    assert smtp.delivered == []


# --- when alerts are sent -----------------------------------------------------------------


def test_a_quiet_scan_sends_nothing_unless_always(server: LoopbackServer) -> None:
    posted = webhook(server)
    quiet = summary()
    destinations = [parse_destination(server.url(HOOK))]
    assert not has_news(quiet)

    assert send_alerts(destinations, quiet, settings=SETTINGS, mail=MailSettings()) == []
    assert posted == []

    assert (
        send_alerts(destinations, quiet, settings=SETTINGS, mail=MailSettings(), always=True) == []
    )
    assert len(posted) == 1
    assert (
        posted[0].json()["headline"] == "attribution: no new findings on www.example.com (run 12)"
    )


@pytest.mark.parametrize(
    "scan",
    [
        summary(finding()),
        summary(failed=(("https://www.example.com/a", "HTTP 500"),)),
        summary(problems=("https://www.example.com/sitemap.xml: HTTP 404",)),
    ],
    ids=["new-finding", "failed-page", "unreadable-source"],
)
def test_new_findings_failures_and_problems_are_news(scan: ScanSummary) -> None:
    assert has_news(scan)


# --- destinations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "destination"),
    [
        ("https://hooks.example.com/x", Destination("webhook", url="https://hooks.example.com/x")),
        ("HTTP://127.0.0.1:8080/hook", Destination("webhook", url="HTTP://127.0.0.1:8080/hook")),
        (
            " slack:https://hooks.slack.com/services/T/B/C ",
            Destination("slack", url="https://hooks.slack.com/services/T/B/C"),
        ),
        (
            "Slack:http://[::1]:9000/hook",
            Destination("slack", url="http://[::1]:9000/hook"),
        ),
        ("mailto:legal@example.com", Destination("mail", recipients=("legal@example.com",))),
        (
            "MAILTO:a@example.com,%20b@example.com,a@example.com?subject=Alert&body=x",
            Destination("mail", recipients=("a@example.com", "b@example.com")),
        ),
        (
            "mailto:?to=a@example.com,b%40example.com&cc=c@example.com",
            Destination("mail", recipients=("a@example.com", "b@example.com")),
        ),
    ],
)
def test_destinations_in_each_accepted_form(text: str, destination: Destination) -> None:
    assert parse_destination(text) == destination


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hooks.example.com/x",
        "ftp://example.com/hook",
        "file:///etc/passwd",
        "https://",
        "https:///path-only",
        "https://example.com:notaport/x",
        "https://example.com/a b",
        "slack:",
        "slack:hooks.slack.com/services/x",
        "slack:mailto:a@example.com",
        "mailto:",
        "mailto:?subject=only",
        "mailto:not-an-address",
        "mailto:a@example.com%0D%0ABcc:b@example.com",
        "mailto:<a@example.com>",
        "mailto:a@b@example.com",
        "Jane <jane@example.com>",
    ],
)
def test_anything_else_is_a_usage_error_naming_the_value_and_the_forms(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_destination(text)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"not an alert destination: {text!r}")
    assert "https://…, http://…, slack:https://… or mailto:name@example.com" in message


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://hooks.slack.com/services/T/B/secret", "https://hooks.slack.com/…"),
        ("https://user:pw@example.com", "https://example.com/…"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/"),
        ("http://[::1]:9000/x?token=1", "http://[::1]:9000/…"),
    ],
)
def test_a_webhook_is_shown_without_its_secret(url: str, shown: str) -> None:
    assert shown_url(url) == shown
    assert parse_destination(f"slack:{url}").shown == f"slack:{shown}"
