"""Sending an e-mail over SMTP: how a scan's alerts reach people.

The mail server is the operator's own (by default one on ``localhost`` that relays),
so no address policy applies to it. ``timeout`` bounds each network operation and the
whole exchange: a watchdog shuts the connection down when it passes, so a server that
answers a byte at a time cannot hold an unattended scan. A password is sent only over
STARTTLS, with the server's certificate verified (a ``username`` without ``starttls``
is refused before anything is sent).
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from attribution.errors import FetchError

if TYPE_CHECKING:
    from email.message import EmailMessage


@dataclass(frozen=True)
class MailSettings:
    """How to reach the mail server that sends alerts: its ``host`` and ``port``, the
    ``sender`` address the mails come from, whether to upgrade the connection with
    STARTTLS, the ``username`` and ``password`` to log in with (none: no login), and
    the ``timeout`` in seconds of the whole exchange."""

    host: str = "localhost"
    port: int = 25
    sender: str = "attribution@localhost"
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


def send_mail(message: EmailMessage, settings: MailSettings) -> None:
    """Send ``message`` to the addresses of its To, Cc and Bcc headers through the
    server of ``settings``, from the address of its From header.

    Raises :class:`FetchError` for ``mailto:`` and the recipients, with one line that
    says why: the server could not be reached, did not answer in time, refused the
    sender, a recipient, the login or the message, or offers no STARTTLS when it was
    asked for.
    """
    recipients = ",".join(
        str(address)
        for name in ("To", "Cc", "Bcc")
        for address in getattr(message.get(name), "addresses", ())
    )
    target = f"mailto:{recipients}"
    if settings.username is not None and not settings.starttls:
        raise FetchError(target, "not sent: a password is sent only over STARTTLS (set starttls)")
    smtp = smtplib.SMTP(timeout=settings.timeout)
    expired = threading.Event()
    watchdog = threading.Timer(settings.timeout, _expire, (smtp, expired))
    watchdog.daemon = True
    watchdog.start()
    try:
        smtp.connect(settings.host, settings.port)
        if expired.is_set():
            raise TimeoutError
        if settings.starttls:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise FetchError(target, f"{_server(settings)} does not offer STARTTLS")
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.username is not None:
            smtp.login(settings.username, settings.password or "")
        refused = smtp.send_message(message)
        smtp.quit()
    except FetchError:
        raise
    except (smtplib.SMTPException, OSError) as error:
        raise FetchError(target, _describe(error, settings, expired.is_set())) from None
    finally:
        watchdog.cancel()
        smtp.close()
    if refused:
        raise FetchError(target, f"{_server(settings)} {_refused(refused)} (sent to the others)")


def _expire(smtp: smtplib.SMTP, expired: threading.Event) -> None:
    """At the deadline: shut the connection down, which wakes the thread waiting on it."""
    expired.set()
    sock = smtp.sock
    if sock is not None:
        with contextlib.suppress(OSError, ValueError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _refused(recipients: dict[str, tuple[int, bytes]]) -> str:
    answers = "; ".join(f"{address} ({_answer(*answer)})" for address, answer in recipients.items())
    return f"refused the recipients {answers}"


def _server(settings: MailSettings) -> str:
    return f"the mail server {settings.host}:{settings.port}"


def _describe(error: BaseException, settings: MailSettings, expired: bool) -> str:
    """Why the mail was not sent, in one line."""
    server = _server(settings)
    if expired or _timed_out(error):
        return f"{server} did not answer within {settings.timeout:g} s"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return f"{server} {_refused(error.recipients)}"
    if isinstance(error, smtplib.SMTPSenderRefused):
        answer = _answer(error.smtp_code, error.smtp_error)
        return f"{server} refused the sender {error.sender} ({answer})"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"{server} refused the login ({_answer(error.smtp_code, error.smtp_error)})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{server} answered {_answer(error.smtp_code, error.smtp_error)}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"{server} closed the connection"
    if isinstance(error, ssl.SSLError):
        return f"TLS with {server} failed ({error.reason or error})"
    if isinstance(error, socket.gaierror):
        return f"the host name {settings.host} could not be found"
    if isinstance(error, ConnectionRefusedError):
        return f"could not connect to {server} (connection refused)"
    if isinstance(error, OSError):
        return f"could not talk to {server} ({error.strerror or error})"
    return f"{server}: {_one_line(str(error))}"


def _timed_out(error: BaseException) -> bool:
    """Whether ``error`` or what it was raised from is a timeout (smtplib reports a
    reply that never came as a closed connection)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, TimeoutError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _answer(code: int, text: bytes | str) -> str:
    """An SMTP answer as one printable line: "550 No such user"."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {_one_line(text)}".strip()


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
