"""The alerts a scan sends when it ends (``scan --notify``): where they go, and sending
them without ever failing the scan.

A destination is written as the operator gives it on the command line:

- ``https://…`` or ``http://…``: the ``attribution.alert/1`` JSON document is POSTed to
  that webhook (see docs/json.md, "Scan alerts");
- ``slack:https://…``: a Slack message (incoming-webhook blocks) is POSTed to the
  Slack webhook that follows the prefix;
- ``mailto:a@example.com,b@example.com``: a plain-text mail goes to those addresses
  (RFC 6068: addresses may be percent-encoded and may also come in a ``to=`` field;
  ``subject``, ``body``, ``cc`` and every other field are ignored, the alert writes its
  own subject and body) through the mail server of :class:`MailSettings`.

**When alerts are sent.** :func:`send_alerts` sends only when there is something to
act on: a finding that is new since the previous scan, a page that could not be
checked, or a source that could not be read. A quiet night sends nothing, so that an
alert always means work (a scan's own status, interrupted or limited, is its exit
code's to report). ``always=True`` sends whatever the scan found, to test a
destination.

**A failed alert never fails the scan**: each destination that could not be reached
gives one line (its address without secrets, and why), for the scan's summary.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from attribution.errors import AttributionError, UsageError
from attribution.fetch.mail import MailSettings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from attribution.fetch.settings import FetchSettings
    from attribution.records import ScanSummary

DestinationKind = Literal["webhook", "slack", "mail"]

ACCEPTED_FORMS = "https://…, http://…, slack:https://… or mailto:name@example.com[,…]"
SLACK_PREFIX = "slack:"
MAILTO_PREFIX = "mailto:"

# One address as an alert may name it: local@domain, nothing that could start another
# address or header (no space, comma, semicolon, brackets, quotes or controls). The look
# behind starts a match only where a name may start, so a search stays linear in the text.
_ADDRESS = re.compile(r"(?<![^@\s<>()\[\],;:\"\\])[^@\s<>()\[\],;:\"\\]+@[^@\s<>()\[\],;:\"\\]+")


@dataclass(frozen=True)
class Destination:
    """Where one alert goes: ``kind`` "webhook" (the JSON document) or "slack" (a Slack
    message), POSTed to ``url``; or "mail" to ``recipients``."""

    kind: DestinationKind
    url: str | None = None
    recipients: tuple[str, ...] = ()

    @property
    def shown(self) -> str:
        """The destination as messages name it: a webhook's address without its path
        (which is often its secret), or the mail's recipients."""
        if self.kind == "mail":
            return MAILTO_PREFIX + ",".join(self.recipients)
        from attribution.fetch.webhook import shown_url

        url = shown_url(self.url or "")
        return SLACK_PREFIX + url if self.kind == "slack" else url


def parse_destination(text: str) -> Destination:
    """The destination ``text`` names (see the module's description for the forms).

    Anything else, a webhook URL without a host, or a mailto without a plain address
    is a :class:`UsageError` that names the value and the accepted forms.
    """
    value = text.strip()
    lowered = value.lower()
    if lowered.startswith(SLACK_PREFIX):
        url = value[len(SLACK_PREFIX) :]
        if not _web_url(url):
            raise _unusable(text, "slack: must be followed by the Slack webhook's https URL")
        return Destination("slack", url=url)
    if lowered.startswith(MAILTO_PREFIX):
        return Destination("mail", recipients=_recipients(text, value[len(MAILTO_PREFIX) :]))
    if _web_url(value):
        return Destination("webhook", url=value)
    if lowered.startswith(("http:", "https:")):
        raise _unusable(text, "a webhook URL needs a host and no spaces")
    raise _unusable(text, None)


def _web_url(value: str) -> bool:
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or any(c.isspace() for c in value):
        return False
    try:
        parts.port  # noqa: B018 (a port that is not a number raises)
    except ValueError:
        return False
    return bool(parts.hostname)


def _recipients(text: str, rest: str) -> tuple[str, ...]:
    """The addresses of a mailto URL's path and its ``to`` fields, in order, once each."""
    path, _, query = rest.partition("?")
    found = path.split(",")
    found += [
        part
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name.lower() == "to"
        for part in value.split(",")
    ]
    addresses: list[str] = []
    for part in found:
        address = unquote(part).strip()
        if not address:
            continue
        if not _ADDRESS.fullmatch(address):
            raise _unusable(text, f"{address!r} is not a plain e-mail address (name@domain)")
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise _unusable(text, "mailto: names no address")
    return tuple(addresses)


def _unusable(text: str, why: str | None) -> UsageError:
    reason = f" ({why})" if why else ""
    return UsageError(f"not an alert destination: {text!r}{reason}; give one of {ACCEPTED_FORMS}")


def has_news(summary: ScanSummary) -> bool:
    """Whether a scan found something an alert should tell: a new finding, a page that
    could not be checked, or a source that could not be read."""
    return bool(summary.new_findings or summary.failed or summary.problems)


def send_alerts(
    destinations: Sequence[Destination],
    summary: ScanSummary,
    *,
    settings: FetchSettings,
    mail: MailSettings,
    always: bool = False,
) -> list[str]:
    """Send the alert of ``summary`` to each destination, when :func:`has_news` (or
    ``always``); one line for each destination that could not be reached ("alert to
    https://hooks.example.com/… not sent: the webhook answered HTTP 500"), empty when
    every alert went out or none was due.

    Nothing raises: a failure of one destination does not keep the others from being
    tried, and the lines are for the scan's summary. Only an interruption (a signal,
    Ctrl-C) goes on up.
    """
    if not destinations or not (always or has_news(summary)):
        return []
    problems = []
    for destination in destinations:
        try:
            _send(destination, summary, settings, mail)
        except AttributionError as error:
            reason = getattr(error, "reason", None) or str(error)
            problems.append(f"alert to {destination.shown} not sent: {reason}")
        except Exception as error:  # a failed alert must not end the scan's report
            problems.append(
                f"alert to {destination.shown} not sent: {type(error).__name__}: {error}"
            )
    return [" ".join(problem.split()) for problem in problems]


def _send(
    destination: Destination,
    summary: ScanSummary,
    settings: FetchSettings,
    mail: MailSettings,
) -> None:
    from attribution.render.alerts import alert_json, alert_mail, slack_payload

    if destination.kind == "mail":
        from attribution.fetch.mail import send_mail

        send_mail(alert_mail(summary, mail.sender, destination.recipients), mail)
        return
    from attribution.fetch.webhook import post_json

    payload = slack_payload(summary) if destination.kind == "slack" else alert_json(summary)
    post_json(destination.url or "", payload, settings)


def mail_settings(smtp: str, sender: str | None, password: str | None = None) -> MailSettings:
    """The mail server of a profile's ``[scan] smtp`` (``smtp://[user@]host[:port]``, or
    ``smtp+starttls://…`` to secure the connection first), the sender, and the password
    (from the environment, never from the profile). Without a sender, alerts come from
    ``attribution@`` this machine's name."""
    parts = urlsplit(smtp)
    starttls = parts.scheme == "smtp+starttls"
    try:
        port = parts.port or (587 if starttls else 25)
    except ValueError:
        raise UsageError(f"[scan] smtp {smtp!r} has a port that is not a number") from None
    if parts.scheme not in ("smtp", "smtp+starttls") or not parts.hostname:
        raise UsageError(f"[scan] smtp {smtp!r} is not smtp://host:port or smtp+starttls://…")
    return MailSettings(
        host=parts.hostname,
        port=port,
        sender=sender or f"attribution@{socket.getfqdn()}",
        starttls=starttls,
        username=unquote(parts.username) if parts.username else None,
        password=password,
    )
