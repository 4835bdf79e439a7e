"""The scheduling files of ``deploy/`` (cron, systemd, Kubernetes) and their guide,
``docs/scheduling.md``: each file parsed and checked for what operations rely on (when
it runs, as whom, which command, which exit codes count as failures, the sandbox), the
systemd units verified by ``systemd-analyze`` where it is installed, and every command
line checked against the options ``attribution scan`` itself declares."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
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

# Which guide explains which file: every file of deploy/ is in one of them.
SCHEDULING_FILES = frozenset({CRON, SERVICE, TIMER, CRONJOB})
SERVING_FILES = frozenset({SERVE_SERVICE, CONTAINERFILE, NGINX})

# The profile every scheduled scan names with --config (the Kubernetes pod mounts it there).
PROFILE = "/etc/attribution/attribution.toml"

SCAN_MISSING = "scan" not in COMMANDS
SCAN_MISSING_REASON = (
    "'attribution scan' is not on this branch yet: the scheduled command lines are "
    "checked against its options once it is"
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
    files = {path.relative_to(ROOT).as_posix() for path in DEPLOY.rglob("*") if path.is_file()}
    assert files == relative(SCHEDULING_FILES) | relative(SERVING_FILES)
    assert SCHEDULING_FILES.isdisjoint(SERVING_FILES)


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
    result = CliRunner().invoke(cli, ["scan", "--help"])
    assert result.exit_code == 0, result.output
    scan = cli.get_command(click.Context(cli), "scan")
    assert scan is not None
    for where, arguments in all_scan_arguments():
        for word in arguments:
            if word.startswith("-") and word != "-":
                option = word.split("=", 1)[0]
                assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", result.output), (
                    f"{where}: 'attribution scan --help' does not list {option}"
                )
        # click itself reads the line: the values are of the right kind (a --fail-on
        # it knows, a run number)
        scan.make_context("scan", list(arguments))
