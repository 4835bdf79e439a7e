"""What every command shares: exit codes, the profile, output to a file or stdout,
colour only on a terminal, and one-line error messages."""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TextIO, TypeVar

import click

if TYPE_CHECKING:
    from attribution.fetch.settings import FetchSettings
    from attribution.records import Profile

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_OPERATIONAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM
EXIT_BUSY = 4  # another scan of the same site is running: this one did nothing

F = TypeVar("F", bound=Callable[..., Any])


# "scheme://user:password@" in a message: the password is never printed.
_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]*):[^@\s]*@")


def hide_passwords(text: str) -> str:
    """``text`` with the password of every URL in it replaced by ``***``."""
    return _CREDENTIALS.sub(r"\1:***@", text)


def error(message: str) -> None:
    """One line on stderr: ``attribution: <message>``, control characters made visible."""
    from attribution.render.escape import terminal_safe

    click.echo(f"attribution: {terminal_safe(message)}", err=True)


def config_option(command: F) -> F:
    """``--config FILE``: the publication profile to use instead of the one found."""
    return click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE",
        help="Publication profile (default: ./attribution.toml, else $ATTRIBUTION_CONFIG, "
        "else attribution.toml in the user's config folder).",
    )(command)


def output_option(command: F) -> F:
    """``--output FILE``: write the report to a file instead of standard output."""
    return click.option(
        "--output",
        "-o",
        "output",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        metavar="FILE",
        help="Write the report to FILE instead of standard output.",
    )(command)


def verbosity_options(command: F) -> F:
    """``--quiet`` and ``--verbose``."""
    command = click.option(
        "--verbose",
        "-v",
        "verbose",
        is_flag=True,
        help="Say more on stderr: each target as it is done, the run and the database.",
    )(command)
    return click.option(
        "--quiet",
        "-q",
        "quiet",
        is_flag=True,
        help="Say nothing on stderr but errors (no progress bar, no notes).",
    )(command)


def load_profile(config: Path | None) -> Profile:
    """The profile of ``--config`` (the command's, else the one before the command),
    else the one found by :func:`attribution.config.find_profile`; validated."""
    from attribution.config import find_profile
    from attribution.config import load_profile as load

    if config is None:
        parent = click.get_current_context().find_root().params.get("config")
        config = parent if isinstance(parent, Path) else None
    path = config or find_profile()
    if path is None:
        return load(None)
    from attribution.rules import RULE_IDS  # the rules load only to check a profile's names

    return load(path, known_rules=RULE_IDS)


def use_colour(stream: IO[str], environ: dict[str, str] | os._Environ[str] = os.environ) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    if environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def check_output(output: Path) -> None:
    """Refuse (:class:`~attribution.errors.UsageError`) an ``--output`` file that could
    not be written, before any work is done."""
    from attribution.errors import UsageError

    folder = output.parent
    if not folder.is_dir():
        raise UsageError(f"{output}: cannot be written (no folder {folder})")
    if (
        output.is_dir()
        or not os.access(folder, os.W_OK)
        or (output.exists() and not os.access(output, os.W_OK))
    ):
        raise UsageError(f"{output}: cannot be written (permission denied)")


def emit(text: str, output: Path | None) -> None:
    """Write a report to ``output``, or to standard output; a reader that goes away
    (``| head``) ends the output quietly, as Unix tools do."""
    sink = ReportSink(output)
    try:
        sink.write(text)
    finally:
        sink.close()


class ReportSink:
    """Where a report goes as it is written: the file ``output`` (created at the first
    write, so a check that never gets to write leaves no file), else standard output,
    flushed at each write; a reader that goes away (``| head``) ends the output
    quietly, as Unix tools do."""

    def __init__(self, output: Path | None) -> None:
        self.output = output
        self._file: TextIO | None = None

    def write(self, text: str) -> None:
        """Write ``text`` now."""
        if self.output is None:
            _write_stdout(text)
            return
        try:
            if self._file is None:
                self._file = self.output.open("w", encoding="utf-8")
            self._file.write(text)
        except OSError as problem:
            from attribution.errors import UsageError

            raise UsageError(f"{self.output}: cannot be written ({problem.strerror})") from None

    def close(self) -> None:
        """Close the file (when there is one)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _write_stdout(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream


def timeout_option(command: F) -> F:
    """``--timeout SECONDS``: how long one page may take to fetch."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        metavar="SECONDS",
        help="Give up on a page after this many seconds (default 30).",
    )(command)


def no_images_option(command: F) -> F:
    """``--no-images``: do not read the image files."""
    return click.option(
        "--no-images",
        is_flag=True,
        help="Do not read the image files' embedded metadata (EXIF, IPTC, XMP, C2PA).",
    )(command)


def source_options(command: F) -> F:
    """``--offline`` and ``--no-source-check``: how images' sources are asked."""
    command = click.option(
        "--no-source-check",
        is_flag=True,
        help="Do not ask Wikimedia Commons or Flickr for the licence of their images "
        "(the profile's [sources] check = false).",
    )(command)
    return click.option(
        "--offline",
        is_flag=True,
        help="Check licences at their source (Wikimedia Commons, Flickr) only with the "
        "answers the database kept, whatever their age: ask no source.",
    )(command)


def with_source_options(profile: Profile, offline: bool, no_source_check: bool) -> Profile:
    """The profile with ``--offline`` and ``--no-source-check`` applied."""
    from dataclasses import replace

    sources = profile.sources
    if offline:
        sources = replace(sources, offline=True)
    if no_source_check:
        sources = replace(sources, check=False)
    return replace(profile, sources=sources)


def fetch_settings(timeout: float | None) -> FetchSettings:
    """The fetch settings of a command's ``--timeout`` (the defaults without one)."""
    from attribution.errors import UsageError
    from attribution.fetch.settings import FetchSettings

    if timeout is None:
        return FetchSettings()
    if not math.isfinite(timeout):
        raise UsageError("--timeout must be a positive number of seconds")
    return FetchSettings(total_timeout=timeout, read_timeout=min(10.0, timeout))
