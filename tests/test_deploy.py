"""The files of ``deploy/`` and their guides: the scheduling files (cron, systemd,
Kubernetes) and ``docs/scheduling.md``, the serving files (the systemd unit of
``attribution serve``, the container image, the nginx reverse proxy) and
``docs/serving.md``, the files of scans on workers (docker compose, Kubernetes) and
``docs/workers.md``. Each file is parsed and checked for what operations rely on (when
it runs, as whom, which command, which exit codes count as failures, the sandbox, what
the proxy lets through, what waits for what, where the passwords come from), the
systemd units verified by ``systemd-analyze``, the proxy run by ``nginx`` and the
compose file read by ``docker compose`` where they are installed, and every command line
checked against the options ``attribution scan``, ``serve`` and ``worker`` themselves
declare."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
import pytest
import yaml
from click.testing import CliRunner

from attribution.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
CRON = DEPLOY / "cron" / "attribution-scan"
SERVICE = DEPLOY / "systemd" / "attribution-scan.service"
TIMER = DEPLOY / "systemd" / "attribution-scan.timer"
CRONJOB = DEPLOY / "kubernetes" / "cronjob.yaml"
SCHEDULING = ROOT / "docs" / "scheduling.md"
SERVE_SERVICE = DEPLOY / "systemd" / "attribution-serve.service"
CONTAINERFILE = DEPLOY / "container" / "Containerfile"
NGINX = DEPLOY / "nginx" / "attribution.conf"
SERVING = ROOT / "docs" / "serving.md"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = DEPLOY / "compose" / "compose.yaml"
COMPOSE_PROFILE = DEPLOY / "compose" / "attribution.toml"
# compose's passwords, on an operator's machine only (.gitignore, .dockerignore)
COMPOSE_ENV = DEPLOY / "compose" / ".env"
WORKERS_KUBERNETES = DEPLOY / "kubernetes" / "workers"
WORKERS_PROFILE = WORKERS_KUBERNETES / "profile.yaml"
MIGRATE_JOB = WORKERS_KUBERNETES / "migrate-job.yaml"
WORKER_DEPLOYMENT = WORKERS_KUBERNETES / "worker-deployment.yaml"
WORKERS_CRONJOB = WORKERS_KUBERNETES / "scan-cronjob.yaml"
RABBITMQ = WORKERS_KUBERNETES / "rabbitmq.yaml"
REDIS = WORKERS_KUBERNETES / "redis.yaml"
POSTGRES = WORKERS_KUBERNETES / "postgres.yaml"
WORKERS = ROOT / "docs" / "workers.md"

# Which guide explains which file: every file of deploy/ is in one of them.
SCHEDULING_FILES = frozenset({CRON, SERVICE, TIMER, CRONJOB})
SERVING_FILES = frozenset({SERVE_SERVICE, CONTAINERFILE, NGINX})
WORKERS_FILES = frozenset(
    {
        COMPOSE,
        COMPOSE_PROFILE,
        WORKERS_PROFILE,
        MIGRATE_JOB,
        WORKER_DEPLOYMENT,
        WORKERS_CRONJOB,
        RABBITMQ,
        REDIS,
        POSTGRES,
    }
)

# The profile every scheduled scan names with --config (the Kubernetes pod mounts it there).
PROFILE = "/etc/attribution/attribution.toml"

SCAN_MISSING = "scan" not in COMMANDS
SCAN_MISSING_REASON = (
    "'attribution scan' is not on this branch yet: the scheduled command lines are "
    "checked against its options once it is"
)
SERVE_MISSING = "serve" not in COMMANDS
SERVE_MISSING_REASON = (
    "'attribution serve' is not on this branch yet: the command lines of the serving "
    "files and their guide are checked against its options once it is"
)


# --- cron: a parser of the five time fields, written for these tests ---------------------

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

# name, lowest, highest, names standing for numbers (day 7 is Sunday again, as in cron)
CRON_FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {name: number for number, name in enumerate(_MONTHS, 1)}),
    ("day of week", 0, 7, {name: number for number, name in enumerate(_DAYS)}),
)


def cron_field(text: str, name: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    """The values one time field of a crontab line stands for (``*``, numbers, ranges,
    steps, lists; a month or day name alone). ValueError when it is not valid."""
    if text.lower() in names:  # cron allows a name alone, not in ranges or lists
        return {names[text.lower()]}
    values: set[int] = set()
    for part in text.split(","):
        body, slash, step_text = part.partition("/")
        if slash and not step_text.isdigit():
            raise ValueError(f"{name}: step {step_text!r} is not a number")
        step = int(step_text) if slash else 1
        if step < 1:
            raise ValueError(f"{name}: step {step} is not at least 1")
        if body == "*":
            start, end = low, high
        else:
            first, dash, last = body.partition("-")
            if not first.isdigit() or (dash and not last.isdigit()):
                raise ValueError(f"{name}: {part!r} is not a number, range or *")
            if slash and not dash:
                raise ValueError(f"{name}: a step needs a range or * ({part!r})")
            start, end = int(first), int(last) if dash else int(first)
        if not low <= start <= end <= high:
            raise ValueError(f"{name}: {part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return values


def cron_schedule(fields: list[str]) -> list[set[int]]:
    """The values of the five time fields of a schedule; ValueError when one is not valid."""
    if len(fields) != 5:
        raise ValueError(f"a schedule has five time fields, not {len(fields)}")
    return [cron_field(text, *spec) for text, spec in zip(fields, CRON_FIELDS, strict=True)]


def is_every_day_once(schedule: list[set[int]]) -> bool:
    """Whether a schedule fires once a day, every day."""
    minute, hour, day, month, weekday = schedule
    return (
        len(minute) == 1
        and len(hour) == 1
        and day == set(range(1, 32))
        and month == set(range(1, 13))
        and weekday | {0, 7} == set(range(8))
    )


def crontab() -> tuple[dict[str, str], list[tuple[list[str], str, str]]]:
    """The cron.d file: its environment lines, and each job as (time fields, user, command)."""
    environment: dict[str, str] = {}
    jobs: list[tuple[list[str], str, str]] = []
    for line in CRON.read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assignment = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)", line)
        if assignment:
            environment[assignment[1]] = assignment[2]
            continue
        parts = line.split(None, 6)
        assert len(parts) == 7, f"a cron.d job is five time fields, a user and a command: {line}"
        jobs.append((parts[:5], parts[5], parts[6]))
    return environment, jobs


def the_cron_job() -> tuple[list[str], str, str]:
    jobs = crontab()[1]
    assert len(jobs) == 1, jobs
    return jobs[0]


# --- command lines: what follows "attribution scan" (or "attribution serve") -----------


def command_arguments(tokens: list[str], command: str) -> Iterator[list[str]]:
    """The arguments after each ``attribution COMMAND`` in a list of shell words, up to
    the end of its simple command (``;``, ``|``, ``&&``, a comment…)."""
    for index, token in enumerate(tokens[:-1]):
        if token.rsplit("/", 1)[-1] == "attribution" and tokens[index + 1] == command:
            arguments: list[str] = []
            for word in tokens[index + 2 :]:
                if word.startswith("#") or (word and set(word) <= set("();<>|&")):
                    break
                arguments.append(word)
            yield arguments


def scan_arguments(tokens: list[str]) -> Iterator[list[str]]:
    """The arguments after each ``attribution scan`` in a list of shell words."""
    return command_arguments(tokens, "scan")


def shell_words(command: str) -> list[str]:
    """A shell command line as words, its operators (``;``, ``|``…) as words of their own."""
    lexer = shlex.shlex(command, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def cron_scan_arguments() -> list[list[str]]:
    return list(scan_arguments(shell_words(the_cron_job()[2])))


def service_scan_arguments() -> list[list[str]]:
    found: list[list[str]] = []
    for command in unit_values(SERVICE, "Service", "ExecStart"):
        found.extend(scan_arguments(shlex.split(command.lstrip("-@:+!|"))))
    return found


def cronjob_scan_arguments() -> list[list[str]]:
    found: list[list[str]] = []
    for container in pod_spec()["containers"]:
        found.extend(scan_arguments([*container.get("command", []), *container.get("args", [])]))
    return found


def documented_scan_arguments() -> list[list[str]]:
    """The ``attribution scan`` lines of the guide's shell examples (``as_scan`` is its
    function that runs attribution as the systemd unit does)."""
    blocks = re.findall(r"```sh\n(.*?)```", SCHEDULING.read_text("utf-8"), flags=re.S)
    found: list[list[str]] = []
    for line in "\n".join(blocks).replace("\\\n", " ").splitlines():
        words = ["attribution" if word == "as_scan" else word for word in shell_words(line)]
        found.extend(scan_arguments(words))
    return found


def option_value(arguments: list[str], option: str) -> str | None:
    for index, word in enumerate(arguments):
        if word == option and index + 1 < len(arguments):
            return arguments[index + 1]
        if word.startswith(option + "="):
            return word.split("=", 1)[1]
    return None


# --- systemd: a parser of unit files ----------------------------------------------------


def unit_file(path: Path) -> dict[str, list[tuple[str, str]]]:
    """A unit file as its sections, each the (key, value) pairs in order: a key may be
    given several times, as systemd allows (configparser would keep only one)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: str | None = None
    pending = ""
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line[0] in "#;"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            assert current not in sections, f"{path.name}: [{current}] twice"
            sections[current] = []
            continue
        key, equals, value = line.partition("=")
        assert equals and current is not None, f"{path.name}: not a setting: {raw!r}"
        sections[current].append((key.strip(), value.strip()))
    return sections


def unit_values(path: Path, section: str, key: str) -> list[str]:
    return [value for name, value in unit_file(path).get(section, []) if name == key]


def unit_value(path: Path, section: str, key: str) -> str | None:
    """The setting's value (the last one given), or None."""
    values = unit_values(path, section, key)
    return values[-1] if values else None


def is_yes(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "yes", "true", "on")


_SPAN_UNITS = {
    "us": 1e-6,
    "ms": 1e-3,
    "s": 1,
    "sec": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "hr": 3600,
    "d": 86400,
    "w": 604800,
}


def time_span(text: str) -> timedelta:
    """A systemd time span ("8h", "2min", "1h 30min", "90"), as systemd reads it."""
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", text.strip())
    assert parts and "".join(n + u for n, u in parts) == re.sub(r"\s+", "", text), text
    return timedelta(seconds=sum(float(n) * _SPAN_UNITS[u or "s"] for n, u in parts))


# --- Kubernetes --------------------------------------------------------------------------


def manifests() -> dict[str, dict[str, Any]]:
    """The manifest's documents by kind."""
    documents = [d for d in yaml.safe_load_all(CRONJOB.read_text("utf-8")) if d is not None]
    kinds = [document["kind"] for document in documents]
    assert len(kinds) == len(set(kinds)), kinds
    return {document["kind"]: document for document in documents}


def pod_spec() -> dict[str, Any]:
    spec: dict[str, Any] = manifests()["CronJob"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return spec


def scan_container() -> dict[str, Any]:
    containers = pod_spec()["containers"]
    assert len(containers) == 1, containers
    container: dict[str, Any] = containers[0]
    return container


def configmap_profile() -> str:
    data: dict[str, str] = manifests()["ConfigMap"]["data"]
    return data["attribution.toml"]


# The fields of the batch/v1 objects (Kubernetes 1.32 API reference): a misspelt field is
# dropped by the API server with no more than a warning.
CRONJOB_SPEC_FIELDS = frozenset(
    """
    concurrencyPolicy failedJobsHistoryLimit jobTemplate schedule
    startingDeadlineSeconds successfulJobsHistoryLimit suspend timeZone
    """.split()
)
JOB_SPEC_FIELDS = frozenset(
    """
    activeDeadlineSeconds backoffLimit backoffLimitPerIndex completionMode
    completions managedBy manualSelector maxFailedIndexes parallelism
    podFailurePolicy podReplacementPolicy selector successPolicy suspend template
    ttlSecondsAfterFinished
    """.split()
)
POD_SPEC_FIELDS = frozenset(
    """
    activeDeadlineSeconds affinity automountServiceAccountToken containers dnsConfig
    dnsPolicy enableServiceLinks ephemeralContainers hostAliases hostIPC hostNetwork
    hostPID hostUsers hostname imagePullSecrets initContainers nodeName nodeSelector
    os overhead preemptionPolicy priority priorityClassName readinessGates
    resourceClaims resources restartPolicy runtimeClassName schedulerName
    schedulingGates securityContext serviceAccountName setHostnameAsFQDN
    shareProcessNamespace subdomain terminationGracePeriodSeconds tolerations
    topologySpreadConstraints volumes
    """.split()
)
CONTAINER_FIELDS = frozenset(
    """
    args command env envFrom image imagePullPolicy lifecycle livenessProbe name
    ports readinessProbe resizePolicy resources restartPolicy securityContext
    startupProbe stdin stdinOnce terminationMessagePath terminationMessagePolicy tty
    volumeDevices volumeMounts workingDir
    """.split()
)


# === the cron parser itself ==============================================================


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ("60 3 * * *", "minute"),
        ("0 24 * * *", "hour"),
        ("0 3 0 * *", "day of month"),
        ("0 3 * 13 *", "month"),
        ("0 3 * * 8", "day of week"),
        ("0 5-1 * * *", "hour"),
        ("*/0 3 * * *", "minute"),
        ("5/10 3 * * *", "minute"),
        ("0 three * * *", "hour"),
        ("0 3 * jan-mar *", "month"),
        ("0 3 * *", "five"),
    ],
)
def test_the_cron_parser_refuses_what_cron_refuses(fields: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        cron_schedule(fields.split())


def test_the_cron_parser_reads_what_cron_reads() -> None:
    minute, hour, day, month, weekday = cron_schedule("*/15 1-3,22 1,15 jan sun".split())
    assert minute == {0, 15, 30, 45} and hour == {1, 2, 3, 22}
    assert day == {1, 15} and month == {1} and weekday == {0}
    assert is_every_day_once(cron_schedule("17 3 * * *".split()))
    assert not is_every_day_once(cron_schedule("17 3 * * 1-5".split()))


# === cron ================================================================================


def test_cron_file_is_one_that_cron_reads() -> None:
    # cron skips files in /etc/cron.d whose names are not run-parts names (a dot, as in
    # "attribution-scan.cron", hides the file), and the last line without a newline.
    assert re.fullmatch(r"[A-Za-z0-9_-]+", CRON.name)
    assert CRON.read_text("utf-8").endswith("\n")


def test_cron_job_runs_every_night_at_an_hour_that_exists_once() -> None:
    fields, _user, _command = the_cron_job()
    schedule = cron_schedule(fields)
    assert is_every_day_once(schedule), fields
    (hour,) = schedule[1]
    assert hour < 7, "a nightly scan"
    # 02:00-03:00 is skipped or run twice when the clocks change for summer time.
    assert hour != 2


def test_cron_job_runs_the_scan_as_its_own_user() -> None:
    _fields, user, command = the_cron_job()
    assert user == "attribution"
    # cron turns an unescaped % in the command into a newline
    assert not re.search(r"(?<!\\)%", command)
    assert [option_value(arguments, "--config") for arguments in cron_scan_arguments()] == [PROFILE]
    assert "flock" not in command, "the scan has its own lock"


def test_cron_environment_finds_the_command_and_keeps_secrets_out() -> None:
    environment = crontab()[0]
    assert environment["PATH"].split(":")[0] == "/opt/attribution/bin"
    assert "@" in environment["MAILTO"] or environment["MAILTO"] == "root"
    assert environment["SHELL"] == "/bin/sh"
    # the file is readable by every user: a database URL in it has no password
    for value in environment.values():
        assert not re.search(r"://[^/@\s]*:[^/@\s]*@", value), value


def test_cron_command_logs_the_summary_and_exit_status_and_leaves_errors_to_mail(
    tmp_path: Path,
) -> None:
    """The job's command run by sh as cron runs it, with stand-ins for the scan and
    logger: what would go to syslog, and what cron would mail (any output left)."""
    if not Path("/bin/sh").exists():
        pytest.skip("no /bin/sh to run the cron command with")
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    scan = bin_folder / "attribution"
    scan.write_text(
        '#!/bin/sh\necho "$SCAN_SUMMARY"\n[ -n "$SCAN_ERROR" ] && echo "$SCAN_ERROR" >&2\n'
        'exit "$SCAN_EXIT"\n',
        encoding="utf-8",
    )
    logger = bin_folder / "logger"
    logger.write_text(
        '#!/bin/sh\necho "$*" > "$LOGGED_ARGS"\ncat > "$LOGGED_LINES"\n', encoding="utf-8"
    )
    scan.chmod(0o755)
    logger.chmod(0o755)
    command = the_cron_job()[2]

    def run(exit_code: int, error: str) -> tuple[subprocess.CompletedProcess[str], str, str]:
        env = {
            "PATH": f"{bin_folder}:/usr/bin:/bin",
            "SCAN_SUMMARY": "scan finished: 120 pages",
            "SCAN_ERROR": error,
            "SCAN_EXIT": str(exit_code),
            "LOGGED_ARGS": str(tmp_path / "args"),
            "LOGGED_LINES": str(tmp_path / "lines"),
        }
        done = subprocess.run(
            ["/bin/sh", "-c", command], env=env, capture_output=True, text=True, check=False
        )
        logged = (tmp_path / "lines").read_text("utf-8")
        return done, (tmp_path / "args").read_text("utf-8"), logged

    quiet, arguments, logged = run(0, "")
    assert arguments.split()[:2] == ["-t", "attribution-scan"]
    assert logged == "scan finished: 120 pages\nexit status 0\n"
    assert quiet.stdout == quiet.stderr == "", "a normal night mails nothing"
    failed, _, logged = run(3, "attribution: https://www.example.com/gone: HTTP 404")
    assert logged == "scan finished: 120 pages\nexit status 3\n"
    assert failed.stderr == "attribution: https://www.example.com/gone: HTTP 404\n"


# === systemd =============================================================================


def test_service_runs_one_scan_as_a_dedicated_user_once_the_network_is_up() -> None:
    assert unit_value(SERVICE, "Unit", "Description")
    assert unit_value(SERVICE, "Service", "Type") == "oneshot"
    assert unit_value(SERVICE, "Service", "User") == "attribution"
    assert "network-online.target" in (unit_value(SERVICE, "Unit", "Wants") or "")
    assert "network-online.target" in (unit_value(SERVICE, "Unit", "After") or "")
    (command,) = unit_values(SERVICE, "Service", "ExecStart")
    assert command.startswith("/"), "an absolute path: the unit's PATH is not the user's"
    assert [option_value(arguments, "--config") for arguments in service_scan_arguments()] == [
        PROFILE
    ]
    assert "Install" not in unit_file(SERVICE), "started by the timer, never enabled itself"


def test_service_keeps_the_embedded_database_in_its_state_directory(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from attribution.store.database import default_sqlite_path

    assert unit_value(SERVICE, "Service", "StateDirectory") == "attribution"
    environment = dict(
        assignment.split("=", 1)
        for line in unit_values(SERVICE, "Service", "Environment")
        for assignment in shlex.split(line)
    )
    # %S is /var/lib for a system unit; the cron job sets the same folder by hand
    data_home = environment["XDG_DATA_HOME"].replace("%S", "/var/lib")
    assert data_home == crontab()[0]["XDG_DATA_HOME"] == "/var/lib"
    monkeypatch.setenv("XDG_DATA_HOME", data_home)
    assert default_sqlite_path() == Path("/var/lib/attribution/attribution.db")
    assert "ATTRIBUTION_DATABASE_URL" not in environment, "secrets go in the EnvironmentFile"


def test_service_reads_the_database_url_from_an_optional_root_only_file() -> None:
    (environment_file,) = unit_values(SERVICE, "Service", "EnvironmentFile")
    assert environment_file.startswith("-/"), "optional, and an absolute path"


def test_service_fails_on_what_needs_someone_not_on_findings() -> None:
    codes = unit_value(SERVICE, "Service", "SuccessExitStatus") or ""
    success = {int(code) for code in codes.split()}
    assert 1 in success, "new findings are editors' news, not a failed unit"
    assert success.isdisjoint({2, 3, 4}), "configuration, unreadable pages, lock: failures"


def test_service_gives_a_long_scan_time_and_a_stop_time_to_record_it() -> None:
    start = time_span(unit_value(SERVICE, "Service", "TimeoutStartSec") or "")
    assert timedelta(hours=4) <= start < timedelta(hours=24), "a whole site, within one night"
    stop = time_span(unit_value(SERVICE, "Service", "TimeoutStopSec") or "")
    assert stop >= timedelta(seconds=30)
    assert unit_value(SERVICE, "Service", "KillMode") in (None, "control-group", "mixed")


def test_service_is_sandboxed_but_keeps_the_network_and_its_state() -> None:
    service = dict(unit_file(SERVICE)["Service"])
    for key in ("NoNewPrivileges", "PrivateTmp", "PrivateDevices", "ProtectHome"):
        assert is_yes(service.get(key)), key
    assert service["ProtectSystem"] == "strict"
    assert service.get("CapabilityBoundingSet") == ""
    assert not is_yes(service.get("PrivateNetwork")), "the scan fetches pages"
    assert "IPAddressDeny" not in service
    families = service["RestrictAddressFamilies"].split()
    assert {"AF_INET", "AF_INET6"} <= set(families) and not families[0].startswith("~")
    for key in ("ReadOnlyPaths", "InaccessiblePaths"):
        assert "/var/lib" not in service.get(key, ""), key


def test_timer_starts_the_scan_every_night_and_makes_up_a_missed_one() -> None:
    assert TIMER.stem == SERVICE.stem and unit_value(TIMER, "Timer", "Unit") in (
        None,
        SERVICE.name,
    )
    (calendar,) = unit_values(TIMER, "Timer", "OnCalendar")
    assert re.fullmatch(r"\*-\*-\* 0[0-6]:\d\d(:\d\d)?", calendar), calendar
    assert not calendar.startswith("*-*-* 02"), "an hour that summer time skips or repeats"
    assert is_yes(unit_value(TIMER, "Timer", "Persistent"))
    delay = time_span(unit_value(TIMER, "Timer", "RandomizedDelaySec") or "")
    assert timedelta(0) < delay <= timedelta(hours=1)
    assert unit_value(TIMER, "Install", "WantedBy") == "timers.target"


def installed_attribution() -> Path | None:
    """The ``attribution`` script of the environment running the tests."""
    beside = Path(sys.executable).with_name("attribution")
    if beside.exists():
        return beside
    found = shutil.which("attribution")
    return Path(found) if found else None


def systemd_analyze_verify(tmp_path: Path, service: Path, *others: Path) -> None:
    """``systemd-analyze verify`` of a service (and the units that go with it) passes
    without a line about them."""
    # verify refuses a unit whose ExecStart program does not exist, and has no option to
    # skip that check: the copies run the attribution installed for these tests instead
    # of /opt/attribution/bin/attribution. Warnings (an unknown or misspelt key, a value
    # it cannot parse) leave its exit code 0, so any line about the units fails too.
    program = installed_attribution()
    if program is None:
        pytest.skip("no installed attribution script to stand in for the ExecStart program")
    text = service.read_text("utf-8")
    (command,) = unit_values(service, "Service", "ExecStart")
    original = shlex.split(command)[0]
    assert text.count(f"ExecStart={original} ") == 1
    copy = tmp_path / service.name
    copy.write_text(text.replace(f"ExecStart={original} ", f"ExecStart={program} "), "utf-8")
    copies = [copy]
    for unit in others:
        copies.append(tmp_path / unit.name)
        shutil.copyfile(unit, copies[-1])
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *map(str, copies)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    about_units = [line for line in output.splitlines() if service.stem in line]
    assert about_units == [], output


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here"
)
def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    systemd_analyze_verify(tmp_path, SERVICE, TIMER)


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here"
)
def test_timer_calendar_is_one_systemd_reads_as_once_a_day() -> None:
    (calendar,) = unit_values(TIMER, "Timer", "OnCalendar")
    done = subprocess.run(
        ["systemd-analyze", "calendar", "--iterations=2", calendar],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env={**os.environ, "TZ": "UTC"},
    )
    assert done.returncode == 0, done.stderr
    elapses = [
        datetime.fromisoformat(stamp)
        for stamp in re.findall(r"(?:Next elapse|Iter\. #2): \w+ (\S+ \S+)", done.stdout)
    ]
    assert len(elapses) == 2 and elapses[1] - elapses[0] == timedelta(days=1), done.stdout


# === Kubernetes ==========================================================================


def test_manifest_is_a_configmap_and_a_batch_v1_cronjob() -> None:
    found = manifests()
    assert set(found) == {"ConfigMap", "CronJob"}
    assert found["ConfigMap"]["apiVersion"] == "v1"
    assert found["CronJob"]["apiVersion"] == "batch/v1"
    assert found["CronJob"]["metadata"]["name"] == "attribution-scan"
    spec = found["CronJob"]["spec"]
    assert set(spec) <= CRONJOB_SPEC_FIELDS, set(spec) - CRONJOB_SPEC_FIELDS
    job = spec["jobTemplate"]["spec"]
    assert set(job) <= JOB_SPEC_FIELDS, set(job) - JOB_SPEC_FIELDS
    assert set(pod_spec()) <= POD_SPEC_FIELDS, set(pod_spec()) - POD_SPEC_FIELDS
    assert set(scan_container()) <= CONTAINER_FIELDS, set(scan_container()) - CONTAINER_FIELDS


def test_cronjob_runs_every_night_in_a_named_time_zone() -> None:
    spec = manifests()["CronJob"]["spec"]
    schedule = cron_schedule(spec["schedule"].split())
    assert is_every_day_once(schedule), spec["schedule"]
    (hour,) = schedule[1]
    assert hour < 7 and hour != 2
    ZoneInfo(spec["timeZone"])  # a zone of the tz database, as Kubernetes requires


def test_cronjob_never_runs_two_scans_and_bounds_each_one() -> None:
    spec = manifests()["CronJob"]["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    # the controller looks every 10 seconds: a shorter deadline could miss every night
    assert 10 <= spec["startingDeadlineSeconds"] <= 86400
    assert spec["successfulJobsHistoryLimit"] >= 1 and spec["failedJobsHistoryLimit"] >= 1
    job = spec["jobTemplate"]["spec"]
    assert isinstance(job["backoffLimit"], int) and 0 <= job["backoffLimit"] <= 2
    assert 4 * 3600 <= job["activeDeadlineSeconds"] < 86400, "a whole site, within one night"
    assert pod_spec()["terminationGracePeriodSeconds"] >= 30, "time to record the stop"


def test_cronjob_fails_at_once_on_what_a_retry_would_not_mend() -> None:
    spec = pod_spec()
    # OnFailure would restart the scan in the same pod, and podFailurePolicy needs Never
    assert spec["restartPolicy"] == "Never"
    rules = manifests()["CronJob"]["spec"]["jobTemplate"]["spec"]["podFailurePolicy"]["rules"]
    fail_job = [rule["onExitCodes"] for rule in rules if rule["action"] == "FailJob"]
    assert len(fail_job) == 1
    codes = fail_job[0]
    assert codes["operator"] == "In" and codes["containerName"] == scan_container()["name"]
    assert codes["values"] == sorted(set(codes["values"])), "the API wants them sorted, once"
    assert {2, 4} <= set(codes["values"]) and 0 not in codes["values"]
    # Kubernetes cannot count exit code 1 (new findings) as success: the scan is told
    # that nothing fails it, as systemd's SuccessExitStatus=1 does.
    (arguments,) = cronjob_scan_arguments()
    assert option_value(arguments, "--fail-on") == "never"
    ignored = [rule for rule in rules if rule["action"] == "Ignore"]
    assert [c["type"] for rule in ignored for c in rule["onPodConditions"]] == ["DisruptionTarget"]


def test_cronjob_pod_runs_unprivileged_on_a_read_only_root() -> None:
    spec = pod_spec()
    pod = spec["securityContext"]
    assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0
    assert pod["seccompProfile"]["type"] == "RuntimeDefault"
    assert spec["automountServiceAccountToken"] is False
    container = scan_container()
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    image = container["image"]
    assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), image
    assert container["resources"]["requests"]["memory"]
    assert container["resources"]["limits"]["memory"]


def test_cronjob_writes_only_to_its_scratch_volumes() -> None:
    spec = pod_spec()
    volumes = {volume["name"]: volume for volume in spec["volumes"]}
    container = scan_container()
    mounts = {mount["mountPath"]: mount for mount in container["volumeMounts"]}
    writable = {path for path, mount in mounts.items() if "emptyDir" in volumes[mount["name"]]}
    environment = {item["name"]: item for item in container["env"]}
    assert environment["HOME"]["value"] in writable
    assert "/tmp" in writable
    for path, mount in mounts.items():
        assert path in writable or mount.get("readOnly") is True, path


def test_cronjob_reads_the_profile_from_its_configmap_and_the_database_from_a_secret() -> None:
    found = manifests()
    container = scan_container()
    (arguments,) = cronjob_scan_arguments()
    assert option_value(arguments, "--config") == PROFILE
    mounts = {mount["name"]: mount["mountPath"] for mount in container["volumeMounts"]}
    volumes = {volume["name"]: volume for volume in pod_spec()["volumes"]}
    (profile_volume,) = [name for name, volume in volumes.items() if "configMap" in volume]
    assert volumes[profile_volume]["configMap"]["name"] == found["ConfigMap"]["metadata"]["name"]
    assert f"{mounts[profile_volume]}/attribution.toml" == PROFILE
    environment = {item["name"]: item for item in container["env"]}
    database = environment["ATTRIBUTION_DATABASE_URL"]
    assert "value" not in database, "a password is never written in the manifest"
    assert set(database["valueFrom"]["secretKeyRef"]) >= {"name", "key"}
    profile = tomllib.loads(configmap_profile())
    assert "database" not in profile, "ConfigMaps are readable more widely than Secrets"


# === the profile and the guide ===========================================================


def documented_profile() -> str:
    blocks = re.findall(r"```toml\n(.*?)```", SCHEDULING.read_text("utf-8"), flags=re.S)
    (block,) = [block for block in blocks if "[scan]" in block]
    return str(block)


def test_the_guide_and_the_configmap_show_the_same_scan_table() -> None:
    documented = tomllib.loads(documented_profile())
    assert documented == tomllib.loads(configmap_profile())
    scan = documented["scan"]
    assert scan["sources"] and all(s.startswith("https://") for s in scan["sources"])
    assert isinstance(scan["delay"], float) and isinstance(scan["per_host"], int)
    assert isinstance(scan["max_pages"], int)
    assert all(url.startswith("https://") for url in scan["notify"])
    assert scan["contact"].startswith("https://")


@pytest.mark.skipif(SCAN_MISSING, reason=SCAN_MISSING_REASON)
def test_the_example_profile_is_one_attribution_reads(tmp_path: Path) -> None:
    from attribution.config import load_profile

    profile = tmp_path / "attribution.toml"
    profile.write_text(configmap_profile(), encoding="utf-8")
    load_profile(profile)


def named_deploy_files(guide: Path) -> set[str]:
    return set(re.findall(r"`(deploy/[^`\s]+)`", guide.read_text("utf-8")))


def relative(paths: frozenset[Path]) -> set[str]:
    return {path.relative_to(ROOT).as_posix() for path in paths}


def test_the_guide_explains_every_exit_code_and_every_file() -> None:
    text = SCHEDULING.read_text("utf-8")
    for code in (0, 1, 2, 3, 4, 130, 143):
        assert f"\n| {code} |" in text, code
    assert named_deploy_files(SCHEDULING) == relative(SCHEDULING_FILES)


def test_every_deploy_file_is_explained_by_one_guide() -> None:
    files = {
        path.relative_to(ROOT).as_posix()
        for path in DEPLOY.rglob("*")
        if path.is_file() and path != COMPOSE_ENV
    }
    assert files == relative(SCHEDULING_FILES) | relative(SERVING_FILES) | relative(WORKERS_FILES)
    assert SCHEDULING_FILES.isdisjoint(SERVING_FILES)
    assert WORKERS_FILES.isdisjoint(SCHEDULING_FILES | SERVING_FILES)


def test_the_readme_points_to_the_guide() -> None:
    assert "(docs/scheduling.md)" in (ROOT / "README.md").read_text("utf-8")


# === every command line against the scan command =========================================


def all_scan_arguments() -> list[tuple[str, list[str]]]:
    return [
        *(("cron", arguments) for arguments in cron_scan_arguments()),
        *(("systemd", arguments) for arguments in service_scan_arguments()),
        *(("kubernetes", arguments) for arguments in cronjob_scan_arguments()),
        *(("docs/scheduling.md", arguments) for arguments in documented_scan_arguments()),
    ]


def test_every_scheduler_runs_attribution_scan_with_the_same_profile() -> None:
    found = all_scan_arguments()
    assert {where for where, _ in found} == {"cron", "systemd", "kubernetes", "docs/scheduling.md"}
    for where, arguments in found:
        if where != "docs/scheduling.md":
            assert option_value(arguments, "--config") == PROFILE, where


@pytest.mark.skipif(SCAN_MISSING, reason=SCAN_MISSING_REASON)
def test_every_command_line_uses_only_options_scan_lists() -> None:
    # click itself reads each line: the values are of the right kind (a --fail-on it
    # knows, a run number)
    assert_only_declared_options("scan", all_scan_arguments())


def assert_only_declared_options(name: str, lines: list[tuple[str, list[str]]]) -> None:
    """Every option of each command line (where it stands, its arguments) is one that
    ``attribution NAME --help`` lists, and click reads the whole line."""
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    command = cli.get_command(click.Context(cli), name)
    assert command is not None
    for where, arguments in lines:
        for word in arguments:
            if word.startswith("-") and word != "-":
                option = word.split("=", 1)[0]
                assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", result.output), (
                    f"{where}: 'attribution {name} --help' does not list {option}"
                )
        command.make_context(name, list(arguments))


# =========================================================================================
# Serving: attribution serve behind a reverse proxy (docs/serving.md)
# =========================================================================================

# What the interface of "attribution serve" fixes: its port, the body limit its profile
# takes by default ([serve] max_body_kb), and the address of a proxy on the same host.
SERVE_PORT = 8040
DEFAULT_MAX_BODY_KB = 10240
LOOPBACK = "127.0.0.1"


def serve_arguments(tokens: list[str]) -> list[list[str]]:
    return list(command_arguments(tokens, "serve"))


def unit_serve_arguments() -> list[str]:
    (command,) = unit_values(SERVE_SERVICE, "Service", "ExecStart")
    (arguments,) = serve_arguments(shlex.split(command.lstrip("-@:+!|")))
    return arguments


def option_values(arguments: list[str], option: str) -> list[str]:
    """Every value of an option that may be given more than once."""
    values = []
    for index, word in enumerate(arguments):
        if word == option and index + 1 < len(arguments):
            values.append(arguments[index + 1])
        elif word.startswith(option + "="):
            values.append(word.split("=", 1)[1])
    return values


def unit_environment(path: Path) -> dict[str, str]:
    return dict(
        assignment.split("=", 1)
        for line in unit_values(path, "Service", "Environment")
        for assignment in shlex.split(line)
    )


# --- the Containerfile ------------------------------------------------------------------


def containerfile() -> list[tuple[str, str]]:
    """The Containerfile's instructions in order, as (INSTRUCTION, the rest of it): lines
    continued with a backslash joined, comment lines left out (also within a continued
    instruction, as the builders do)."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in CONTAINERFILE.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line, pending = pending + line, ""
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    assert not pending, "the last instruction is continued into nothing"
    return instructions


def final_stage() -> list[tuple[str, str]]:
    """The instructions of the image's last stage, its FROM first."""
    instructions = containerfile()
    start = max(index for index, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[start:]


def stage_values(keyword: str) -> list[str]:
    return [rest for name, rest in final_stage() if name == keyword]


def exec_form(text: str) -> list[str]:
    """A CMD (or HEALTHCHECK CMD) in exec form: a JSON array of strings. Shell form would
    run it under /bin/sh, which would get the SIGTERM of "docker stop" instead."""
    words = json.loads(text)
    assert isinstance(words, list) and all(isinstance(word, str) for word in words), text
    return words


def image_environment() -> dict[str, str]:
    environment: dict[str, str] = {}
    for rest in stage_values("ENV"):
        for assignment in shlex.split(rest):
            key, equals, value = assignment.partition("=")
            assert equals, f"ENV KEY=VALUE, not the old form: {rest}"
            environment[key] = value
    return environment


def image_command() -> list[str]:
    (command,) = stage_values("CMD")
    return exec_form(command)


def healthcheck() -> tuple[dict[str, str], list[str]]:
    """The HEALTHCHECK's options and its command."""
    (rest,) = stage_values("HEALTHCHECK")
    found = re.fullmatch(r"((?:--[a-z-]+=\S+\s+)*)CMD\s+(.*)", rest, flags=re.S)
    assert found, f"HEALTHCHECK [OPTIONS] CMD [...]: {rest}"
    options = dict(option[2:].split("=", 1) for option in found[1].split())
    return options, exec_form(found[2])


# --- the nginx configuration: a parser of its syntax ------------------------------------


class Directive:
    """One nginx directive: its name, its arguments, and the directives of its block."""

    def __init__(self, name: str, arguments: list[str], block: list[Directive] | None) -> None:
        self.name = name
        self.arguments = arguments
        self.block = block

    def __repr__(self) -> str:
        return f"{self.name} {' '.join(self.arguments)}"

    def all(self, name: str) -> list[Directive]:
        return [directive for directive in self.block or [] if directive.name == name]

    def value(self, name: str) -> list[str] | None:
        """The arguments of the one directive of that name in this block, or None."""
        found = self.all(name)
        assert len(found) <= 1, found
        return found[0].arguments if found else None

    def headers(self) -> dict[str, str]:
        """The proxy_set_header lines of this block, by header name in lower case."""
        headers: dict[str, str] = {}
        for directive in self.all("proxy_set_header"):
            name, value = directive.arguments
            assert name.lower() not in headers, f"{name} set twice"
            headers[name.lower()] = value
        return headers


def nginx_tokens(text: str) -> Iterator[str]:
    """The words of an nginx file, with ``{``, ``}`` and ``;`` as words of their own,
    quoted strings unquoted, comments left out."""
    pattern = re.compile(
        r"""\s+|#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)"""
    )
    position = 0
    while position < len(text):
        found = pattern.match(text, position)
        assert found, f"nginx: cannot read {text[position : position + 40]!r}"
        position = found.end()
        for group in (1, 2, 3, 4):
            if found[group] is not None:
                yield found[group]
                break


def nginx_config(path: Path = NGINX) -> list[Directive]:
    """The file's directives, each block's within it."""
    tokens = list(nginx_tokens(path.read_text("utf-8")))
    position = 0

    def block(closed: bool) -> list[Directive]:
        nonlocal position
        directives: list[Directive] = []
        words: list[str] = []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                assert words, "an empty directive"
                directives.append(Directive(words[0], words[1:], None))
                words = []
            elif token == "{":
                assert words, "a block without a name"
                directives.append(Directive(words[0], words[1:], block(closed=True)))
                words = []
            elif token == "}":
                assert closed and not words, f"nginx: unexpected }} after {words}"
                return directives
            else:
                words.append(token)
        assert not closed and not words, "nginx: a directive or block left open"
        return directives

    return block(closed=False)


def nginx_servers() -> tuple[Directive, Directive]:
    """The HTTPS server block and the plain HTTP one."""
    servers = [directive for directive in nginx_config() if directive.name == "server"]
    secure = [s for s in servers if any("ssl" in d.arguments for d in s.all("listen"))]
    plain = [s for s in servers if s not in secure]
    assert len(secure) == 1 and len(plain) == 1, servers
    return secure[0], plain[0]


def proxied_locations() -> list[Directive]:
    """Every location of the HTTPS server that passes requests on to the server."""
    secure, _ = nginx_servers()
    found = [location for location in secure.all("location") if location.value("proxy_pass")]
    assert found
    return found


def location(match: list[str]) -> Directive:
    secure, _ = nginx_servers()
    (found,) = [item for item in secure.all("location") if item.arguments == match]
    return found


def effective_headers(server: Directive, place: Directive) -> dict[str, str]:
    """The headers nginx sets on requests it passes on from a location: the location's
    own proxy_set_header lines when it has any, else the server's (nginx inherits them
    only into a block that has none of its own)."""
    return place.headers() if place.all("proxy_set_header") else server.headers()


_NGINX_SIZES = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
_NGINX_TIMES = {"ms": 0.001, "": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def nginx_size(text: str) -> int:
    found = re.fullmatch(r"(\d+)([kKmMgG]?)", text)
    assert found, text
    return int(found[1]) * _NGINX_SIZES[found[2].lower()]


def nginx_seconds(text: str) -> float:
    found = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", text)
    assert found, text
    return int(found[1]) * _NGINX_TIMES[found[2] or ""]


# --- the guide ----------------------------------------------------------------------------


def serving_shell_lines() -> list[str]:
    """The lines of the guide's shell examples, continued lines joined."""
    blocks = re.findall(r"```sh\n(.*?)```", SERVING.read_text("utf-8"), flags=re.S)
    return "\n".join(blocks).replace("\\\n", " ").splitlines()


def documented_serve_arguments() -> list[list[str]]:
    found: list[list[str]] = []
    for line in serving_shell_lines():
        found.extend(serve_arguments(shell_words(line)))
    return found


def documented_serve_profile() -> dict[str, Any]:
    blocks = re.findall(r"```toml\n(.*?)```", SERVING.read_text("utf-8"), flags=re.S)
    (block,) = [block for block in blocks if "[serve]" in block and "[limits]" in block]
    return tomllib.loads(block)


# --- a stand-in for the server ------------------------------------------------------------


class StandIn:
    """An HTTP server on a free loopback port that answers every request with one status
    and body, and keeps each request's method, path, headers and body length."""

    def __init__(self, status: int = 200, body: bytes = b'{"status":"ok"}') -> None:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[tuple[str, str, Any, int]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                received = len(self.rfile.read(length)) if length else 0
                stand_in.requests.append((self.command, self.path, self.headers, received))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


# === the systemd unit of the server ======================================================


def test_serve_unit_runs_the_server_on_loopback_behind_the_proxy() -> None:
    assert unit_value(SERVE_SERVICE, "Unit", "Description")
    assert unit_value(SERVE_SERVICE, "Service", "Type") in ("exec", "simple")
    assert "network-online.target" in (unit_value(SERVE_SERVICE, "Unit", "Wants") or "")
    assert "network-online.target" in (unit_value(SERVE_SERVICE, "Unit", "After") or "")
    (command,) = unit_values(SERVE_SERVICE, "Service", "ExecStart")
    assert command.startswith("/opt/attribution/bin/"), "the release's environment"
    arguments = unit_serve_arguments()
    assert option_value(arguments, "--host") == LOOPBACK, "only the proxy on this host"
    assert option_value(arguments, "--port") == str(SERVE_PORT)
    assert option_value(arguments, "--config") == PROFILE
    # the proxy on this host connects from the loopback address: its X-Forwarded-For is
    # the one believed, so the per-client limits count editors
    assert option_values(arguments, "--trusted-proxy") == [LOOPBACK]
    assert unit_value(SERVE_SERVICE, "Install", "WantedBy") == "multi-user.target"


def test_serve_unit_shares_the_scan_units_user_and_embedded_database(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from attribution.store.database import default_sqlite_path

    for section, key in (
        ("Service", "User"),
        ("Service", "Group"),
        ("Service", "StateDirectory"),
        ("Service", "CacheDirectory"),
        ("Service", "WorkingDirectory"),
    ):
        assert unit_value(SERVE_SERVICE, section, key) == unit_value(SERVICE, section, key), key
    assert unit_value(SERVE_SERVICE, "Service", "User") == "attribution"
    environment = unit_environment(SERVE_SERVICE)
    assert environment == unit_environment(SERVICE)
    monkeypatch.setenv("XDG_DATA_HOME", environment["XDG_DATA_HOME"].replace("%S", "/var/lib"))
    assert default_sqlite_path() == Path("/var/lib/attribution/attribution.db")


def test_serve_unit_reads_its_token_from_its_own_root_only_file() -> None:
    (environment_file,) = unit_values(SERVE_SERVICE, "Service", "EnvironmentFile")
    assert environment_file == "-/etc/attribution/serve.env", "optional, its own file"
    assert unit_values(SERVICE, "Service", "EnvironmentFile") != [environment_file]
    environment = unit_environment(SERVE_SERVICE)
    for secret in ("ATTRIBUTION_SERVE_TOKEN", "ATTRIBUTION_DATABASE_URL"):
        assert secret not in environment, "secrets go in the EnvironmentFile"
        assert secret in SERVING.read_text("utf-8")


def test_serve_unit_restarts_after_a_crash_but_not_after_a_bad_profile() -> None:
    from attribution.records.profile import Limits

    assert unit_value(SERVE_SERVICE, "Service", "Restart") == "on-failure"
    assert time_span(unit_value(SERVE_SERVICE, "Service", "RestartSec") or "") >= timedelta(
        seconds=1
    ), "not in a tight loop"
    prevented = (unit_value(SERVE_SERVICE, "Service", "RestartPreventExitStatus") or "").split()
    assert "2" in prevented, "a configuration error waits for someone"
    success = (unit_value(SERVE_SERVICE, "Service", "SuccessExitStatus") or "").split()
    assert set(success) <= {"143", "SIGTERM"}, "a stop asked for, nothing else"
    # the checks in flight finish on SIGTERM: give them their whole budget
    stop = time_span(unit_value(SERVE_SERVICE, "Service", "TimeoutStopSec") or "")
    assert stop > timedelta(seconds=Limits().page_seconds)
    assert unit_value(SERVE_SERVICE, "Service", "KillMode") == "mixed"


# The sandboxing of the scan unit that applies to the server as it is: both fetch pages,
# parse them in child processes and write to the same state directory.
SANDBOX_KEYS = (
    "NoNewPrivileges",
    "ProtectSystem",
    "ProtectHome",
    "PrivateTmp",
    "PrivateDevices",
    "ProtectKernelTunables",
    "ProtectKernelModules",
    "ProtectKernelLogs",
    "ProtectControlGroups",
    "ProtectClock",
    "ProtectHostname",
    "ProtectProc",
    "CapabilityBoundingSet",
    "RestrictSUIDSGID",
    "RestrictRealtime",
    "LockPersonality",
    "RestrictAddressFamilies",
    "RestrictNamespaces",
    "SystemCallArchitectures",
    "SystemCallFilter",
    "SystemCallErrorNumber",
    "UMask",
)


def test_serve_unit_is_sandboxed_as_the_scan_unit() -> None:
    for key in SANDBOX_KEYS:
        assert unit_values(SERVE_SERVICE, "Service", key) == unit_values(SERVICE, "Service", key), (
            key
        )
    service = dict(unit_file(SERVE_SERVICE)["Service"])
    assert service["ProtectSystem"] == "strict" and service["CapabilityBoundingSet"] == ""
    assert not is_yes(service.get("PrivateNetwork")), "it listens and fetches pages"
    assert "IPAddressDeny" not in service


@pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here"
)
def test_serve_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    systemd_analyze_verify(tmp_path, SERVE_SERVICE)


# === the container image =================================================================


def test_image_installs_the_project_into_its_own_environment() -> None:
    instructions = containerfile()
    images = [rest.split()[0] for keyword, rest in instructions if keyword == "FROM"]
    assert images
    for image in images:
        name, colon, tag = image.partition(":")
        assert name == "python" and colon and tag.startswith("3.12-slim"), image
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "venv /opt/attribution" in runs
    assert re.search(r"/opt/attribution/bin/pip install \S*/src\b", runs), runs
    # the whole build context, that is the project, less what .dockerignore leaves out
    assert any(k == "COPY" and rest.split()[0] == "." for k, rest in instructions)
    assert image_environment()["PATH"].startswith("/opt/attribution/bin:")


def test_image_runs_unprivileged_with_its_database_in_a_volume(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from attribution.store.database import default_sqlite_path

    users = stage_values("USER")
    assert users, "no USER: the server would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0") and (not user.isdigit() or int(user) > 0), user
    # the Kubernetes manifest runs the same image: the same uid
    assert user == str(pod_spec()["securityContext"]["runAsUser"]), "numeric, the manifest's"
    volumes = [word for rest in stage_values("VOLUME") for word in shlex.split(rest)]
    assert "/var/lib/attribution" in volumes
    monkeypatch.setenv("XDG_DATA_HOME", image_environment()["XDG_DATA_HOME"])
    assert default_sqlite_path().parent == Path("/var/lib/attribution"), "in the volume"
    assert [port for rest in stage_values("EXPOSE") for port in rest.split()] == [str(SERVE_PORT)]


def test_image_serves_on_every_address_of_its_own_network() -> None:
    command = image_command()
    (arguments,) = serve_arguments(command)
    assert command[:2] == ["attribution", "serve"], "the server is the first process"
    assert option_value(arguments, "--host") == "0.0.0.0", "else unreachable from outside"
    assert option_value(arguments, "--port") == str(SERVE_PORT)
    assert option_value(arguments, "--config") == PROFILE


def test_image_healthcheck_asks_healthz_on_the_servers_port() -> None:
    options, command = healthcheck()
    assert command[0] == "python" and command[1] == "-c", "the slim image has no curl"
    assert f"http://127.0.0.1:{SERVE_PORT}/healthz" in command[2]
    for option in ("interval", "timeout", "start-period"):
        assert time_span(options[option]) > timedelta(0), option
    assert time_span(options["timeout"]) < time_span(options["interval"])
    assert int(options["retries"]) >= 1


@pytest.mark.parametrize(
    ("status", "body", "healthy"),
    [
        (200, b'{"status":"ok"}', True),
        (503, b'{"status":"ok"}', False),
        (200, b'{"status":"starting"}', False),
        (200, b"<html>a login page</html>", False),
    ],
)
def test_image_healthcheck_tells_a_healthy_server_from_another(
    status: int, body: bytes, healthy: bool
) -> None:
    """The HEALTHCHECK's own command, run by this Python against a stand-in on another
    port, with a proxy in the environment that it must not use."""
    _options, command = healthcheck()
    with StandIn(status, body) as stand_in:
        code = command[2].replace(f":{SERVE_PORT}/", f":{stand_in.port}/")
        assert code != command[2]
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            env={**os.environ, "HTTP_PROXY": f"http://{LOOPBACK}:9", "NO_PROXY": ""},
            timeout=30,
            check=False,
        )
    assert [path for _, path, _, _ in stand_in.requests] == ["/healthz"]
    # 0 healthy, 1 unhealthy: docker reserves every other code
    assert done.returncode == (0 if healthy else 1), done.stderr


def test_image_healthcheck_fails_when_nothing_answers() -> None:
    _options, command = healthcheck()
    code = command[2].replace(f":{SERVE_PORT}/", f":{free_port()}/")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=30, check=False
    )
    assert done.returncode == 1, done.stderr


def dockerignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether the build context leaves the path out: a pattern matches it or one of the
    folders it is in (fnmatch's * also crosses /, so this says "ignored" more often than
    the builders do, never less)."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: end + 1]) for end in range(len(parts))]
    left_out = False
    for pattern in patterns:
        keep = pattern.startswith("!")
        body = pattern.lstrip("!").strip("/")
        if any(fnmatch.fnmatchcase(prefix, body) for prefix in prefixes):
            left_out = not keep
    return left_out


def test_build_context_keeps_what_the_build_installs_and_leaves_out_the_history() -> None:
    patterns = dockerignore_patterns()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    wheel = project["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = ["pyproject.toml", project["project"]["readme"], *wheel["packages"]]
    needed += list(wheel["force-include"])
    for name in needed:
        assert (ROOT / name).exists(), name
        assert not ignored(name, patterns), f".dockerignore leaves out {name}"
        assert not ignored(f"{name}/__init__.py", patterns), name
    for name in (".git", ".git/config", ".venv", "test-artifacts/x.html"):
        assert ignored(name, patterns), name


# === the reverse proxy ===================================================================


def test_proxy_speaks_tls_and_sends_plain_http_there() -> None:
    secure, plain = nginx_servers()
    assert secure.value("ssl_certificate") and secure.value("ssl_certificate_key")
    assert {"443"} == {d.arguments[0].rsplit(":", 1)[-1] for d in secure.all("listen")}
    returned = plain.value("return")
    assert returned is not None and returned[0] == "301" and returned[1].startswith("https://")
    assert plain.value("server_name") == secure.value("server_name")


def test_proxy_takes_the_bodies_the_server_takes() -> None:
    secure, _ = nginx_servers()
    (size,) = secure.value("client_max_body_size") or [""]
    documented = documented_serve_profile()["serve"]["max_body_kb"]
    assert documented == DEFAULT_MAX_BODY_KB, "the guide shows the default"
    assert nginx_size(size) == documented * 1024


def test_proxy_waits_longer_than_a_page_check() -> None:
    from attribution.records.profile import Limits

    secure, _ = nginx_servers()
    (timeout,) = secure.value("proxy_read_timeout") or [""]
    page_seconds = documented_serve_profile()["limits"]["page_seconds"]
    assert page_seconds == Limits().page_seconds, "the guide shows the default"
    assert nginx_seconds(timeout) > page_seconds


def test_proxy_passes_to_the_service_and_says_who_the_client_is() -> None:
    secure, _ = nginx_servers()
    arguments = unit_serve_arguments()
    target = f"http://{option_value(arguments, '--host')}:{option_value(arguments, '--port')}"
    for place in proxied_locations():
        assert place.value("proxy_pass") == [target], place
        headers = effective_headers(secure, place)
        # the connection's address, never appended to one the client made up
        assert headers.get("x-forwarded-for") == "$remote_addr", place
        assert headers.get("x-forwarded-proto") == "$scheme", place
        assert headers.get("host") == "$host", place
        # every request passed on has X-Remote-User replaced: a client's own never
        # reaches the server
        assert "x-remote-user" in headers, f"{place}: the client's X-Remote-User passes"
    # nginx connects to the server from the address it passes to, which the server
    # believes
    assert target.split("//")[1].split(":")[0] in option_values(arguments, "--trusted-proxy")


def test_proxy_logs_in_everywhere_but_the_health_check() -> None:
    secure, _ = nginx_servers()
    main = location(["/"])
    assert main.value("auth_basic") not in (None, ["off"]) and main.value("auth_basic_user_file")
    headers = effective_headers(secure, main)
    assert headers["x-remote-user"] == "$remote_user", "the name nginx checked"
    assert headers.get("authorization") == "", "the editor's password stays with nginx"
    health = location(["=", "/healthz"])
    # its own auth_basic, else the server's (a location inherits it, not from another)
    assert (health.value("auth_basic") or secure.value("auth_basic")) in (None, ["off"])
    assert health.value("auth_request") is None and secure.value("auth_request") is None
    assert effective_headers(secure, health)["x-remote-user"] == "", "no user there"


def nginx_site_for_test(tmp_path: Path, backend_port: int) -> tuple[Path, int, int]:
    """The proxy's file as nginx runs it here: loopback ports, a certificate, a password
    file and the stand-in's port in place of the placeholders. The wrapper around it:
    one process in the foreground, every file in tmp_path."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "attribution.example.com")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "htpasswd").write_text("editor:{PLAIN}secret\n", "utf-8")
    https_port, http_port = free_port(), free_port()
    text = NGINX.read_text("utf-8")
    secure, _ = nginx_servers()
    for old, new in (
        ("listen 443 ssl;", f"listen {LOOPBACK}:{https_port} ssl;"),
        ("listen [::]:443 ssl;", ""),
        ("listen 80;", f"listen {LOOPBACK}:{http_port};"),
        ("listen [::]:80;", ""),
        ((secure.value("ssl_certificate") or [""])[0], str(tmp_path / "cert.pem")),
        ((secure.value("ssl_certificate_key") or [""])[0], str(tmp_path / "key.pem")),
        ((location(["/"]).value("auth_basic_user_file") or [""])[0], str(tmp_path / "htpasswd")),
        (f"http://{LOOPBACK}:{SERVE_PORT};", f"http://{LOOPBACK}:{backend_port};"),
    ):
        assert old and old in text, old
        text = text.replace(old, new)
    (tmp_path / "site.conf").write_text(text, "utf-8")
    temporary = "\n".join(
        f"  {kind}_temp_path {tmp_path / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\nmaster_process off;\npid {tmp_path / 'nginx.pid'};\n"
        f"error_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n  access_log off;\n{temporary}\n  include {tmp_path / 'site.conf'};\n}}\n",
        "utf-8",
    )
    return tmp_path / "nginx.conf", https_port, http_port


def nginx_command(tmp_path: Path, config: Path) -> list[str]:
    """nginx with every file in tmp_path; its log of the start too where it can be told
    (-e, nginx 1.19.5 and later), or it tries the log of the system's nginx first."""
    done = subprocess.run(["nginx", "-v"], capture_output=True, text=True, check=False)
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", done.stderr + done.stdout)
    early_log = ["-e", str(tmp_path / "error.log")]
    if found and tuple(map(int, found.groups())) < (1, 19, 5):
        early_log = []
    return ["nginx", "-p", f"{tmp_path}/", *early_log, "-c", str(config)]


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here")
def test_proxy_file_is_one_nginx_accepts(tmp_path: Path) -> None:
    config, _, _ = nginx_site_for_test(tmp_path, SERVE_PORT)
    done = subprocess.run(
        [*nginx_command(tmp_path, config), "-t"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "[warn]" not in done.stderr and "[emerg]" not in done.stderr, done.stderr


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed here")
def test_proxy_passes_on_only_what_the_server_may_believe(tmp_path: Path) -> None:
    """nginx running the file in front of a stand-in for the server: what a client sends,
    what the server gets."""
    import base64
    import http.client
    import ssl
    import time

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    login = "Basic " + base64.b64encode(b"editor:secret").decode()
    wrong = "Basic " + base64.b64encode(b"editor:guess").decode()
    made_up = {"X-Remote-User": "mallory", "X-Forwarded-For": "203.0.113.9"}

    with StandIn() as server:
        config, https_port, http_port = nginx_site_for_test(tmp_path, server.port)
        nginx = subprocess.Popen(
            nginx_command(tmp_path, config), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 15
            while True:
                assert nginx.poll() is None, nginx.stderr.read() if nginx.stderr else ""
                try:
                    socket.create_connection((LOOPBACK, https_port), timeout=1).close()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "nginx did not start listening"
                    time.sleep(0.1)

            def send(
                method: str, path: str, headers: dict[str, str], body: bytes | None = None
            ) -> tuple[int, Any]:
                connection = http.client.HTTPSConnection(
                    LOOPBACK, https_port, context=context, timeout=30
                )
                try:
                    connection.request(
                        method,
                        path,
                        body=body,
                        headers={"Host": "attribution.example.com", **headers},
                    )
                    response = connection.getresponse()
                    response.read()
                    return response.status, response.headers
                finally:
                    connection.close()

            def received() -> Any:
                assert len(server.requests) == 1, server.requests
                return server.requests.pop()

            # no login, a wrong one: refused by nginx, the server never asked
            assert send("GET", "/", made_up)[0] == 401
            assert send("GET", "/", {**made_up, "Authorization": wrong})[0] == 401
            assert server.requests == []

            # logged in: the server gets the name nginx checked, and nothing made up
            status, _ = send("GET", "/pages?url=x", {**made_up, "Authorization": login})
            assert status == 200
            _, path, headers, _ = received()
            assert path == "/pages?url=x"
            assert headers.get_all("X-Remote-User") == ["editor"]
            assert headers.get_all("X-Forwarded-For") == [LOOPBACK]
            assert headers["X-Forwarded-Proto"] == "https"
            assert headers["Host"] == "attribution.example.com"
            assert "Authorization" not in headers, "the password stays with nginx"

            # the health check: no login, no user
            assert send("GET", "/healthz", made_up)[0] == 200
            _, path, headers, _ = received()
            assert path == "/healthz" and "X-Remote-User" not in headers

            # a body of max_body_kb passes, one byte more is refused before the server
            limit = DEFAULT_MAX_BODY_KB * 1024
            post = {"Authorization": login, "Content-Type": "text/html"}
            assert send("POST", "/check", post, b"x" * limit)[0] == 200
            assert received()[3] == limit
            assert send("POST", "/check", post, b"x" * (limit + 1))[0] == 413
            assert server.requests == []

            # plain HTTP: sent to HTTPS
            plain = http.client.HTTPConnection(LOOPBACK, http_port, timeout=30)
            try:
                plain.request("GET", "/", headers={"Host": "attribution.example.com"})
                response = plain.getresponse()
                assert response.status == 301
                assert response.headers["Location"] == "https://attribution.example.com/"
            finally:
                plain.close()
            assert server.requests == []
        finally:
            nginx.terminate()
            try:
                nginx.wait(timeout=15)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()
            if nginx.stderr:
                nginx.stderr.close()


# === the serving guide ===================================================================


def test_the_serving_guide_names_every_serving_file() -> None:
    named = named_deploy_files(SERVING)
    assert relative(SERVING_FILES) <= named
    # and names no file that is not there (the CronJob runs the same image)
    assert named <= relative(SERVING_FILES) | relative(SCHEDULING_FILES)
    text = SERVING.read_text("utf-8")
    assert "`.dockerignore`" in text
    assert "(scheduling.md)" in text, "the install it shares with the scan"


def test_the_serving_guide_publishes_the_port_to_the_proxy_only() -> None:
    published = []
    for line in serving_shell_lines():
        words = shell_words(line)
        published += [
            words[i + 1] for i, word in enumerate(words[:-1]) if word in ("-p", "--publish")
        ]
    assert published, "the guide shows how to run the image"
    for value in published:
        assert value.startswith(f"{LOOPBACK}:"), value
    found = documented_serve_arguments()
    assert found, "the guide shows the server's command in the container"
    for arguments in found:
        assert option_values(arguments, "--trusted-proxy"), "per-client limits need it"


def test_the_serving_guide_calls_the_api_with_the_token_and_explains_the_verdict() -> None:
    text = SERVING.read_text("utf-8")
    calls = [line for line in serving_shell_lines() if "/api/check" in line]
    assert calls
    for line in calls:
        words = shell_words(line)
        assert "curl" in line and "https://attribution.example.com/api/check" in words
        # in single quotes the shell would send the letters $TOKEN
        assert '"Authorization: Bearer $TOKEN"' in line, line
        body = json.loads(words[words.index("-d") + 1])
        assert body["url"].startswith("https://")
    assert '"verdict": {"exit_code": 1, "fail_on": "error", "passed": false}' in text
    for code in (0, 1, 3):
        assert f"\n| {code} |" in text, code
    assert "attribution db upgrade" in text


def test_the_serving_guide_upgrades_with_a_command_db_has() -> None:
    db = cli.get_command(click.Context(cli), "db")
    assert isinstance(db, click.Group)
    for line in serving_shell_lines():
        for arguments in command_arguments(shell_words(line), "db"):
            assert arguments[0] in db.commands, arguments


@pytest.mark.skipif(SERVE_MISSING, reason=SERVE_MISSING_REASON)
def test_the_serving_guides_profile_is_one_attribution_reads(tmp_path: Path) -> None:
    from attribution.config import load_profile

    profile = tmp_path / "attribution.toml"
    blocks = re.findall(r"```toml\n(.*?)```", SERVING.read_text("utf-8"), flags=re.S)
    for block in blocks:
        profile.write_text(block, encoding="utf-8")
        load_profile(profile)


# === every command line against the serve command ========================================


def all_serve_arguments() -> list[tuple[str, list[str]]]:
    return [
        ("systemd", unit_serve_arguments()),
        ("Containerfile", serve_arguments(image_command())[0]),
        *(("docs/serving.md", arguments) for arguments in documented_serve_arguments()),
    ]


@pytest.mark.skipif(SERVE_MISSING, reason=SERVE_MISSING_REASON)
def test_every_serve_command_line_uses_only_options_serve_lists() -> None:
    # click itself reads each line: a port that is a number, --trusted-proxy repeated
    assert_only_declared_options("serve", all_serve_arguments())


# =========================================================================================
# Scans on workers: docker compose and Kubernetes (docs/workers.md)
# =========================================================================================

# The services of the compose file, and which of them run the project's image.
COMPOSE_SERVICES = frozenset({"postgres", "rabbitmq", "redis", "migrate", "worker", "scan"})
ATTRIBUTION_SERVICES = ("migrate", "worker", "scan")

# The Secrets' URLs every pod of attribution needs, by the name of its container.
POD_URLS = {
    "worker": {"ATTRIBUTION_DATABASE_URL", "ATTRIBUTION_BROKER_URL", "ATTRIBUTION_REDIS_URL"},
    "scan": {"ATTRIBUTION_DATABASE_URL", "ATTRIBUTION_BROKER_URL", "ATTRIBUTION_REDIS_URL"},
    "migrate": {"ATTRIBUTION_DATABASE_URL"},
}

# A password written into a URL: scheme://user:password@host
URL_PASSWORD = re.compile(r"://[^/@\s:]*:([^/@\s]*)@")
# compose's interpolation of a variable that must be set: ${NAME:?message}
REQUIRED_VARIABLE = re.compile(r"\$\{[A-Z][A-Z0-9_]*:\?[^}]*\}")

# The fields of the apps/v1 objects (Kubernetes 1.32 API reference).
DEPLOYMENT_SPEC_FIELDS = frozenset(
    """
    minReadySeconds paused progressDeadlineSeconds replicas revisionHistoryLimit selector
    strategy template
    """.split()
)
STATEFULSET_SPEC_FIELDS = frozenset(
    """
    minReadySeconds ordinals persistentVolumeClaimRetentionPolicy podManagementPolicy
    replicas revisionHistoryLimit selector serviceName template updateStrategy
    volumeClaimTemplates
    """.split()
)


# --- compose ------------------------------------------------------------------------------


def compose_file() -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return found


def compose_service(name: str) -> dict[str, Any]:
    service: dict[str, Any] = compose_file()["services"][name]
    return service


def compose_command(name: str) -> list[str]:
    """A service's command, in exec form (a list: no shell between docker and it)."""
    command = compose_service(name)["command"]
    assert isinstance(command, list) and all(isinstance(word, str) for word in command), command
    return command


_GO_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}


def compose_seconds(text: str) -> float:
    """A compose duration ("2m", "1m30s", "90s"), as compose reads it."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text)
    assert parts and "".join(n + u for n, u in parts) == text, text
    return sum(float(number) * _GO_UNITS[unit] for number, unit in parts)


def compose_environment(name: str) -> dict[str, str]:
    environment = compose_service(name).get("environment", {})
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {key: str(value) for key, value in environment.items()}


def compose_depends_on(name: str) -> dict[str, str]:
    """The services a service waits for, each with its condition."""
    depends = compose_service(name).get("depends_on", {})
    assert isinstance(depends, dict), "the long form: the short one waits for nothing"
    return {service: options["condition"] for service, options in depends.items()}


def compose_scan_arguments() -> list[str]:
    (arguments,) = scan_arguments(compose_command("scan"))
    return arguments


def compose_worker_arguments() -> list[str]:
    (arguments,) = command_arguments(compose_command("worker"), "worker")
    return arguments


def docker_compose_works() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        done = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


# --- Kubernetes ---------------------------------------------------------------------------


def kubernetes_documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d is not None]


def kubernetes_object(path: Path, kind: str) -> dict[str, Any]:
    (found,) = [d for d in kubernetes_documents(path) if d["kind"] == kind]
    return found


def template_of(document: dict[str, Any]) -> dict[str, Any]:
    """The pod template of a workload."""
    spec = document["spec"]
    if document["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    template: dict[str, Any] = spec["template"]
    return template


def attribution_pods() -> dict[str, dict[str, Any]]:
    """The pod specs that run attribution, by the name of their one container."""
    pods: dict[str, dict[str, Any]] = {}
    for path, kind in (
        (WORKER_DEPLOYMENT, "Deployment"),
        (WORKERS_CRONJOB, "CronJob"),
        (MIGRATE_JOB, "Job"),
    ):
        spec = template_of(kubernetes_object(path, kind))["spec"]
        (container,) = spec["containers"]
        pods[container["name"]] = spec
    assert set(pods) == set(POD_URLS), set(pods)
    return pods


def the_container(pod: dict[str, Any]) -> dict[str, Any]:
    (container,) = pod["containers"]
    found: dict[str, Any] = container
    return found


def pod_command_arguments(name: str, command: str) -> list[str]:
    container = the_container(attribution_pods()[name])
    (arguments,) = command_arguments(
        [*container.get("command", []), *container.get("args", [])], command
    )
    return arguments


def cpu_cores(quantity: str | int | float) -> float:
    text = str(quantity)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


def workers_profile_data() -> str:
    data: dict[str, str] = kubernetes_object(WORKERS_PROFILE, "ConfigMap")["data"]
    return data["attribution.toml"]


# --- the guide ----------------------------------------------------------------------------


def guide_shell_lines(guide: Path) -> list[str]:
    """The lines of a guide's shell examples, continued lines joined."""
    blocks = re.findall(r"```sh\n(.*?)```", guide.read_text("utf-8"), flags=re.S)
    return "\n".join(blocks).replace("\\\n", " ").splitlines()


def workers_guide_arguments(command: str) -> list[list[str]]:
    found: list[list[str]] = []
    for line in guide_shell_lines(WORKERS):
        found.extend(command_arguments(shell_words(line), command))
    return found


# === the compose file ====================================================================


def test_compose_file_runs_the_pieces_of_a_scan_on_workers() -> None:
    compose = compose_file()
    assert "version" not in compose, "obsolete in the Compose Specification"
    assert set(compose["services"]) == COMPOSE_SERVICES
    for name, image in (("postgres", "postgres:16"), ("redis", "redis:7")):
        assert compose_service(name)["image"] == image
    rabbitmq = compose_service("rabbitmq")["image"]
    assert re.fullmatch(r"rabbitmq:4\.\d+(-management)?", rabbitmq), "a minor release named"
    # the queue and the record survive a new container: named volumes
    for name, folder in (
        ("postgres", "/var/lib/postgresql/data"),
        ("rabbitmq", "/var/lib/rabbitmq"),
    ):
        (volume,) = [v for v in compose_service(name)["volumes"] if v.endswith(f":{folder}")]
        assert volume.split(":")[0] in compose["volumes"], volume
    assert compose_service("rabbitmq").get("hostname"), "the node's data follows its host name"


def test_compose_runs_the_projects_image_built_from_the_containerfile() -> None:
    images = {compose_service(name)["image"] for name in ATTRIBUTION_SERVICES}
    assert len(images) == 1, "one release for the schema, the workers and the scan"
    (image,) = images
    assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), image
    for name in ATTRIBUTION_SERVICES:
        build = compose_service(name)["build"]
        context = (COMPOSE.parent / build["context"]).resolve()
        assert context == ROOT, "the build context is the repository, as the Containerfile says"
        assert (context / build["dockerfile"]).resolve() == CONTAINERFILE


def test_compose_backing_services_report_their_health() -> None:
    tests = {
        "postgres": "pg_isready",
        "rabbitmq": "rabbitmq-diagnostics",
        "redis": "redis-cli ping",
    }
    for name, probe in tests.items():
        check = compose_service(name)["healthcheck"]
        test = check["test"]
        assert test[0] in ("CMD", "CMD-SHELL"), test
        assert probe in " ".join(test[1:]), test
        assert compose_seconds(check["timeout"]) <= compose_seconds(check["interval"])
        assert int(check["retries"]) >= 1
    # over TCP: while the image creates the database, its server listens on the socket only
    assert any(
        word.startswith(("--host=127.0.0.1", "-h"))
        for word in compose_service("postgres")["healthcheck"]["test"]
    )


def test_compose_upgrades_the_schema_once_postgres_is_healthy() -> None:
    db = cli.get_command(click.Context(cli), "db")
    assert isinstance(db, click.Group)
    command = compose_command("migrate")
    (arguments,) = command_arguments(command, "db")
    assert arguments[0] == "upgrade" and arguments[0] in db.commands
    assert option_value(arguments, "--config") == PROFILE
    assert compose_depends_on("migrate") == {"postgres": "service_healthy"}
    assert compose_service("migrate").get("restart", "no") == "no", "a one-off"
    assert "profiles" not in compose_service("migrate"), "run by every up"


def test_compose_workers_and_scan_wait_for_the_schema_the_broker_and_redis() -> None:
    for name in ("worker", "scan"):
        depends = compose_depends_on(name)
        assert depends["migrate"] == "service_completed_successfully", name
        for service in ("postgres", "rabbitmq", "redis"):
            assert depends[service] == "service_healthy", (name, service)
    assert compose_depends_on("scan")["worker"] == "service_started", "a queue somebody reads"


def test_compose_workers_are_replicated_and_given_time_for_a_warm_shutdown() -> None:
    worker = compose_service("worker")
    assert worker["deploy"]["replicas"] >= 2
    assert worker["deploy"]["resources"]["limits"]["memory"]
    # SIGTERM: the worker finishes the pages in hand, each up to [limits] page_seconds
    from attribution.records.profile import Limits

    grace = compose_seconds(worker["stop_grace_period"])
    assert grace >= 60 and grace > Limits().page_seconds
    assert worker.get("restart") in ("unless-stopped", "always")
    command = compose_command("worker")
    assert command[:2] == ["attribution", "worker"], "the worker itself gets the SIGTERM"
    arguments = compose_worker_arguments()
    concurrency = option_value(arguments, "--concurrency")
    assert concurrency is not None and int(concurrency) >= 1, "the host's cores are not its own"
    assert option_value(arguments, "--config") == PROFILE


def test_compose_runs_the_scan_on_the_workers_only_when_asked() -> None:
    scan = compose_service("scan")
    assert scan["profiles"] == ["scan"], "docker compose run --rm scan, never up"
    assert scan.get("restart", "no") == "no"
    assert compose_seconds(scan["stop_grace_period"]) >= 30, "time to mark the run interrupted"
    arguments = compose_scan_arguments()
    assert option_value(arguments, "--workers") == "celery"
    assert option_value(arguments, "--config") == PROFILE


def test_compose_disables_the_images_health_check_where_nothing_serves() -> None:
    # the image's HEALTHCHECK asks the web server's port: under a worker it would only
    # ever say unhealthy
    for name in ATTRIBUTION_SERVICES:
        assert compose_service(name)["healthcheck"] == {"disable": True}, name


def test_compose_keeps_passwords_out_of_the_file() -> None:
    text = COMPOSE.read_text("utf-8")
    for name in COMPOSE_SERVICES:
        for key, value in compose_environment(name).items():
            for password in URL_PASSWORD.findall(value):
                assert REQUIRED_VARIABLE.fullmatch(password), f"{name}: {key} holds a password"
            if re.search(r"PASS|SECRET|TOKEN|AUTH", key):
                assert REQUIRED_VARIABLE.fullmatch(value), f"{name}: {key} is written in"
    # every password comes from a variable that must be set, never from a default
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    assert used == {"POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "REDIS_PASSWORD"}, used
    assert not re.search(r"\$\{[A-Z0-9_]+:?-", text), "a default password"
    urls = compose_environment("worker")
    assert set(urls) >= POD_URLS["worker"]
    assert urls == compose_environment("scan"), "the scan and the workers meet in one place"


def test_compose_mounts_the_profile_read_only_and_publishes_to_loopback_only() -> None:
    for name in ATTRIBUTION_SERVICES:
        service = compose_service(name)
        mounts = [volume.split(":") for volume in service["volumes"]]
        assert [COMPOSE.parent / source for source, target, *_ in mounts if target == PROFILE] == [
            COMPOSE_PROFILE
        ], name
        assert [options for _, target, *options in mounts if target == PROFILE] == [["ro"]], name
        assert service["read_only"] is True and "/tmp" in service["tmpfs"], name
    for name in COMPOSE_SERVICES:
        for port in compose_service(name).get("ports", []):
            assert str(port).startswith(f"{LOOPBACK}:"), f"{name} publishes {port}"


@pytest.mark.skipif(not docker_compose_works(), reason="docker compose (v2) is not installed here")
def test_compose_file_is_one_docker_compose_reads(tmp_path: Path) -> None:
    passwords = tmp_path / "passwords.env"
    passwords.write_text(
        "POSTGRES_PASSWORD=a1\nRABBITMQ_PASSWORD=b2\nREDIS_PASSWORD=c3\n", encoding="utf-8"
    )
    command = ["docker", "compose", "-f", str(COMPOSE), "--env-file"]
    done = subprocess.run(
        [*command, str(passwords), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # without the passwords compose stops, and names the one missing
    empty = tmp_path / "empty.env"
    empty.write_text("", encoding="utf-8")
    environment = {key: value for key, value in os.environ.items() if not key.endswith("_PASSWORD")}
    done = subprocess.run(
        [*command, str(empty), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=environment,
    )
    assert done.returncode != 0 and "_PASSWORD" in done.stderr, done.stderr


# === the profile of the workers ==========================================================


def documented_workers_profile() -> str:
    blocks = re.findall(r"```toml\n(.*?)```", WORKERS.read_text("utf-8"), flags=re.S)
    (block,) = [block for block in blocks if "[scan]" in block]
    return str(block)


def test_the_workers_profiles_agree_and_hold_no_password() -> None:
    compose = tomllib.loads(COMPOSE_PROFILE.read_text("utf-8"))
    assert (
        compose
        == tomllib.loads(workers_profile_data())
        == tomllib.loads(documented_workers_profile())
    ), "compose, Kubernetes and the guide show one profile"
    scan = compose["scan"]
    assert scan["workers"] == "celery"
    assert isinstance(scan["queue"], str) and scan["queue"]
    # the URLs with their passwords come from the environment, never the profile, which is
    # mounted where more people read it
    assert "database" not in compose
    for key in ("broker", "redis"):
        assert not URL_PASSWORD.search(str(scan.get(key, ""))), key
    # all the workers together fetch from one host no faster than one scan would: at this
    # pace the most pages a run checks fit a night of 8 hours
    assert scan["max_pages"] * scan["delay"] <= 8 * 3600


def test_the_workers_profile_is_one_attribution_reads(tmp_path: Path) -> None:
    from attribution.config import load_profile

    load_profile(COMPOSE_PROFILE)
    profile = tmp_path / "attribution.toml"
    profile.write_text(workers_profile_data(), encoding="utf-8")
    load_profile(profile)


def test_image_installs_the_workers_extra() -> None:
    runs = " ".join(rest for keyword, rest in containerfile() if keyword == "RUN")
    found = re.search(r"/opt/attribution/bin/pip install \"?\S*/src\[([\w,-]+)\]", runs)
    assert found, runs
    extras = set(found[1].split(","))
    assert {"postgres", "workers"} <= extras, extras
    # pip installs an extra the project does not declare as nothing, with a warning only
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert extras <= set(project["project"]["optional-dependencies"]), extras


def test_build_context_leaves_out_composes_passwords() -> None:
    relative_env = COMPOSE_ENV.relative_to(ROOT).as_posix()
    assert ignored(relative_env, dockerignore_patterns())
    assert relative_env in (ROOT / ".gitignore").read_text("utf-8").splitlines()


# === the Kubernetes files of the workers =================================================


def test_worker_manifests_are_kubernetes_objects_of_known_fields() -> None:
    kinds = {
        WORKERS_PROFILE: ["ConfigMap"],
        MIGRATE_JOB: ["Job"],
        WORKER_DEPLOYMENT: ["Deployment", "PodDisruptionBudget"],
        WORKERS_CRONJOB: ["CronJob"],
        RABBITMQ: ["Service", "StatefulSet"],
        REDIS: ["Service", "Deployment"],
        POSTGRES: ["Service", "StatefulSet"],
    }
    fields = {
        "Deployment": DEPLOYMENT_SPEC_FIELDS,
        "StatefulSet": STATEFULSET_SPEC_FIELDS,
        "Job": JOB_SPEC_FIELDS,
        "CronJob": CRONJOB_SPEC_FIELDS,
    }
    for path, expected in kinds.items():
        documents = kubernetes_documents(path)
        assert [d["kind"] for d in documents] == expected, path.name
        for document in documents:
            assert document["apiVersion"] and document["metadata"]["name"], path.name
            kind = document["kind"]
            if kind not in fields:
                continue
            spec = document["spec"]
            assert set(spec) <= fields[kind], (path.name, set(spec) - fields[kind])
            if kind == "CronJob":
                job = spec["jobTemplate"]["spec"]
                assert set(job) <= JOB_SPEC_FIELDS, set(job) - JOB_SPEC_FIELDS
            template = template_of(document)
            pod = template["spec"]
            assert set(pod) <= POD_SPEC_FIELDS, (path.name, set(pod) - POD_SPEC_FIELDS)
            for container in pod["containers"]:
                assert set(container) <= CONTAINER_FIELDS, set(container) - CONTAINER_FIELDS
            if "selector" in spec and kind != "Job":
                labels = template["metadata"]["labels"]
                assert spec["selector"]["matchLabels"].items() <= labels.items(), path.name


def test_services_select_their_pods_and_the_guide_reaches_them_there() -> None:
    text = WORKERS.read_text("utf-8")
    for path, port, in_url in (
        (RABBITMQ, 5672, "@rabbitmq:5672//"),
        (REDIS, 6379, "@redis:6379/"),
        (POSTGRES, 5432, "@postgres:5432/attribution"),
    ):
        service = kubernetes_object(path, "Service")
        workload = next(d for d in kubernetes_documents(path) if d["kind"] != "Service")
        labels = template_of(workload)["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items(), path.name
        assert [p["port"] for p in service["spec"]["ports"]] == [port], path.name
        assert in_url in text, f"the guide's Secret does not reach {service['metadata']['name']}"
    for path in (RABBITMQ, POSTGRES):
        statefulset = kubernetes_object(path, "StatefulSet")
        service = kubernetes_object(path, "Service")
        assert statefulset["spec"]["serviceName"] == service["metadata"]["name"], path.name
        assert service["spec"]["clusterIP"] == "None", "a StatefulSet's Service is headless"
        assert statefulset["spec"]["replicas"] == 1, path.name
        # the queue and the record survive a restart
        (claim,) = statefulset["spec"]["volumeClaimTemplates"]
        container = the_container(template_of(statefulset)["spec"])
        mounts = {mount["name"]: mount["mountPath"] for mount in container["volumeMounts"]}
        assert claim["metadata"]["name"] in mounts, path.name
        assert claim["spec"]["accessModes"] == ["ReadWriteOnce"], path.name
        assert claim["spec"]["resources"]["requests"]["storage"], path.name
    # Redis holds nothing that outlives a scan: nothing on disk
    redis = the_container(template_of(kubernetes_object(REDIS, "Deployment"))["spec"])
    assert redis["command"][redis["command"].index("--save") + 1] == ""


def test_backing_services_run_unprivileged_as_their_images_own_user() -> None:
    for path in (RABBITMQ, REDIS, POSTGRES):
        workload = next(d for d in kubernetes_documents(path) if d["kind"] != "Service")
        pod = template_of(workload)["spec"]
        security = pod["securityContext"]
        assert security["runAsNonRoot"] is True, path.name
        assert security["runAsUser"] == security["runAsGroup"] == 999, path.name
        assert security["seccompProfile"]["type"] == "RuntimeDefault", path.name
        if workload["kind"] == "StatefulSet":
            assert security["fsGroup"] == 999, f"{path.name}: its user owns the volume"
        assert pod["automountServiceAccountToken"] is False, path.name
        assert pod["enableServiceLinks"] is False, path.name
        assert pod["terminationGracePeriodSeconds"] >= 30, path.name
        container = the_container(pod)
        image = container["image"]
        assert ":" in image and not image.endswith(":latest"), image
        own = container["securityContext"]
        assert own["allowPrivilegeEscalation"] is False, path.name
        assert own["capabilities"]["drop"] == ["ALL"], path.name
        assert not own.get("privileged"), path.name
        assert container["resources"]["requests"]["memory"], path.name
        assert container["resources"]["limits"]["memory"], path.name
        assert "cpu" not in container["resources"]["limits"], path.name
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["exec"]["command"], (path.name, probe)


def test_postgres_keeps_the_record_on_its_volume_with_its_password_from_a_secret() -> None:
    statefulset = kubernetes_object(POSTGRES, "StatefulSet")
    pod = template_of(statefulset)["spec"]
    container = the_container(pod)
    assert container["image"] == compose_service("postgres")["image"] == "postgres:16"
    environment = {item["name"]: item for item in container["env"]}
    assert environment["POSTGRES_DB"]["value"] == "attribution"
    assert environment["POSTGRES_USER"]["value"] == "attribution"
    password = environment["POSTGRES_PASSWORD"]
    assert "value" not in password, "the password is never written in"
    assert password["valueFrom"]["secretKeyRef"] == {
        "name": "attribution-postgres",
        "key": "password",
    }
    # the data in a folder of the volume, not its root (which may hold lost+found)
    (claim,) = statefulset["spec"]["volumeClaimTemplates"]
    (mount,) = [m for m in container["volumeMounts"] if m["name"] == claim["metadata"]["name"]]
    pgdata = Path(environment["PGDATA"]["value"])
    assert pgdata.parent == Path(mount["mountPath"]), pgdata
    assert claim["spec"]["resources"]["requests"]["storage"] == "20Gi"
    assert "storageClassName" not in claim["spec"], "the cluster's default class"
    assert statefulset["spec"]["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }
    # over TCP, as compose's health check: while the image creates the database, its
    # server listens on the socket only
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        command = container[probe]["exec"]["command"]
        assert command[0] == "pg_isready", probe
        assert "--host=127.0.0.1" in command and "--username=attribution" in command, probe
    # a fast shutdown, which does not wait for the workers' pooled connections to leave,
    # within the grace period
    stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert stop[:2] == ["pg_ctl", "stop"] and "--mode=fast" in stop, stop
    assert pod["terminationGracePeriodSeconds"] >= 60
    # the guide creates its Secret and points the database's URL at it
    text = WORKERS.read_text("utf-8")
    assert "create secret generic attribution-postgres" in text
    assert "postgresql+psycopg://attribution:$POSTGRES_PASSWORD@postgres:5432/attribution" in text


def test_attribution_pods_run_unprivileged_on_a_read_only_root() -> None:
    uid = stage_values("USER")[-1].split(":")[0]
    images = set()
    for name, pod in attribution_pods().items():
        security = pod["securityContext"]
        assert security["runAsNonRoot"] is True and str(security["runAsUser"]) == uid, name
        assert security["seccompProfile"]["type"] == "RuntimeDefault", name
        assert pod["automountServiceAccountToken"] is False, name
        container = the_container(pod)
        images.add(container["image"])
        own = container["securityContext"]
        assert own["readOnlyRootFilesystem"] is True and own["allowPrivilegeEscalation"] is False
        assert own["capabilities"]["drop"] == ["ALL"], name
        assert container["resources"]["requests"]["memory"], name
        assert container["resources"]["limits"]["memory"], name
        assert "cpu" not in container["resources"]["limits"], "a CPU limit only slows parsing"
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        mounts = {mount["mountPath"]: mount for mount in container["volumeMounts"]}
        writable = {p for p, m in mounts.items() if "emptyDir" in volumes[m["name"]]}
        assert "/tmp" in writable, name
        environment = {item["name"]: item for item in container["env"]}
        assert environment["HOME"]["value"] in writable, name
        for path, mount in mounts.items():
            assert path in writable or mount.get("readOnly") is True, (name, path)
    assert len(images) == 1, "one release for the schema, the workers and the scan"
    (image,) = images
    assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), image


def test_attribution_pods_read_the_profile_from_its_configmap_and_urls_from_secrets() -> None:
    profile_name = kubernetes_object(WORKERS_PROFILE, "ConfigMap")["metadata"]["name"]
    for name, pod in attribution_pods().items():
        container = the_container(pod)
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        mounts = {mount["name"]: mount["mountPath"] for mount in container["volumeMounts"]}
        (profile_volume,) = [v for v, volume in volumes.items() if "configMap" in volume]
        assert volumes[profile_volume]["configMap"]["name"] == profile_name, name
        assert f"{mounts[profile_volume]}/attribution.toml" == PROFILE, name
        command = [*container.get("command", []), *container.get("args", [])]
        assert option_value(command, "--config") == PROFILE, name
        environment = {item["name"]: item for item in container["env"]}
        assert set(environment) >= POD_URLS[name], name
        for variable in POD_URLS[name]:
            assert "value" not in environment[variable], f"{name}: {variable} written in"
            assert set(environment[variable]["valueFrom"]["secretKeyRef"]) >= {"name", "key"}


def test_no_worker_manifest_writes_a_password_in() -> None:
    for path in WORKERS_FILES:
        if path.suffix != ".yaml" or path == COMPOSE:
            continue
        for document in kubernetes_documents(path):
            if document["kind"] in ("ConfigMap", "Service", "PodDisruptionBudget"):
                continue
            for container in template_of(document)["spec"]["containers"]:
                for item in container.get("env", []):
                    value = str(item.get("value", ""))
                    assert not URL_PASSWORD.search(value), (path.name, item["name"])
                    if re.search(r"PASS|SECRET|TOKEN|AUTH|_URL$", item["name"]):
                        assert "value" not in item, (path.name, item["name"])
                        assert item["valueFrom"]["secretKeyRef"], (path.name, item["name"])
    assert "database" not in tomllib.loads(workers_profile_data())


def test_worker_deployment_sizes_each_worker_by_its_threads() -> None:
    deployment = kubernetes_object(WORKER_DEPLOYMENT, "Deployment")
    assert deployment["spec"]["replicas"] >= 2
    pod = attribution_pods()["worker"]
    container = the_container(pod)
    assert container["command"][:2] == ["attribution", "worker"], "SIGTERM reaches the worker"
    arguments = pod_command_arguments("worker", "worker")
    threads = int(option_value(arguments, "--concurrency") or 0)
    assert threads >= 1, "the default counts the node's cores, not the pod's"
    # one CPU per thread: each parses in a process of its own
    assert cpu_cores(container["resources"]["requests"]["cpu"]) == threads
    # no probe through the broker or the database (the file says why); no port to ask
    assert "livenessProbe" not in container and "ports" not in container
    budget = kubernetes_object(WORKER_DEPLOYMENT, "PodDisruptionBudget")
    assert budget["spec"]["maxUnavailable"] == 1
    assert budget["spec"]["selector"] == deployment["spec"]["selector"]


def test_worker_deployment_gives_each_worker_time_for_a_warm_shutdown() -> None:
    from attribution.records.profile import Limits

    grace = attribution_pods()["worker"]["terminationGracePeriodSeconds"]
    assert grace >= 60 and grace > Limits().page_seconds
    strategy = kubernetes_object(WORKER_DEPLOYMENT, "Deployment")["spec"]["strategy"]
    assert strategy["type"] == "RollingUpdate"


def test_scan_cronjob_runs_the_scan_on_the_workers_in_place_of_the_one_pod_scan() -> None:
    cronjob = kubernetes_object(WORKERS_CRONJOB, "CronJob")
    # the same names as cronjob.yaml's: applying one replaces the other
    assert cronjob["metadata"]["name"] == manifests()["CronJob"]["metadata"]["name"]
    profile = kubernetes_object(WORKERS_PROFILE, "ConfigMap")["metadata"]["name"]
    assert profile == manifests()["ConfigMap"]["metadata"]["name"]
    spec = cronjob["spec"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert is_every_day_once(cron_schedule(spec["schedule"].split()))
    ZoneInfo(spec["timeZone"])
    job = spec["jobTemplate"]["spec"]
    assert 4 * 3600 <= job["activeDeadlineSeconds"] < 86400
    (fail_job,) = [
        r["onExitCodes"] for r in job["podFailurePolicy"]["rules"] if r["action"] == "FailJob"
    ]
    assert {2, 4} <= set(fail_job["values"]) and fail_job["containerName"] == "scan"
    pod = attribution_pods()["scan"]
    assert pod["restartPolicy"] == "Never" and pod["terminationGracePeriodSeconds"] >= 30
    arguments = pod_command_arguments("scan", "scan")
    assert option_value(arguments, "--workers") == "celery"
    assert option_value(arguments, "--since") == "last"
    assert option_value(arguments, "--fail-on") == "never"


def test_migrate_job_upgrades_the_schema_once() -> None:
    db = cli.get_command(click.Context(cli), "db")
    assert isinstance(db, click.Group)
    arguments = pod_command_arguments("migrate", "db")
    assert arguments[0] == "upgrade" and arguments[0] in db.commands
    job = kubernetes_object(MIGRATE_JOB, "Job")["spec"]
    assert attribution_pods()["migrate"]["restartPolicy"] == "Never"
    assert 1 <= job["backoffLimit"] <= 6 and job["activeDeadlineSeconds"] > 0
    assert job["ttlSecondsAfterFinished"] > 0, "gone before the next release's apply"


# === every command line of the workers' files against the commands ======================


def all_worker_arguments() -> list[tuple[str, list[str]]]:
    return [
        ("compose", compose_worker_arguments()),
        ("kubernetes", pod_command_arguments("worker", "worker")),
        *(("docs/workers.md", arguments) for arguments in workers_guide_arguments("worker")),
    ]


def all_workers_scan_arguments() -> list[tuple[str, list[str]]]:
    return [
        ("compose", compose_scan_arguments()),
        ("kubernetes", pod_command_arguments("scan", "scan")),
        *(("docs/workers.md", arguments) for arguments in workers_guide_arguments("scan")),
    ]


def test_every_worker_command_line_uses_only_options_worker_lists() -> None:
    assert_only_declared_options("worker", all_worker_arguments())


def test_every_scan_on_workers_uses_only_options_scan_lists() -> None:
    found = all_workers_scan_arguments()
    assert {where for where, _ in found} == {"compose", "kubernetes", "docs/workers.md"}
    for where, arguments in found:
        assert option_value(arguments, "--workers") == "celery", where
    assert_only_declared_options("scan", found)


def test_the_workers_guide_uses_only_options_runs_and_db_list() -> None:
    runs = workers_guide_arguments("runs")
    assert runs, "the guide shows how to follow a run"
    assert_only_declared_options("runs", [("docs/workers.md", a) for a in runs])
    db = cli.get_command(click.Context(cli), "db")
    assert isinstance(db, click.Group)
    for arguments in workers_guide_arguments("db"):
        assert arguments[0] in db.commands, arguments


# === the workers' guide ==================================================================


def test_the_workers_guide_names_every_workers_file_and_is_linked() -> None:
    named = named_deploy_files(WORKERS) - {COMPOSE_ENV.relative_to(ROOT).as_posix()}
    assert relative(WORKERS_FILES) <= named
    assert named <= relative(WORKERS_FILES) | relative(SERVING_FILES) | relative(SCHEDULING_FILES)
    text = WORKERS.read_text("utf-8")
    for link in ("(scheduling.md)", "(serving.md)"):
        assert link in text, link
    assert "## How many workers a site needs" in text
    assert "(docs/workers.md)" in (ROOT / "README.md").read_text("utf-8")
    assert "(workers.md)" in SCHEDULING.read_text("utf-8")
