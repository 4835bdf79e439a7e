"""The command line as users meet it: every command and option documented with an
example, completion, targets from a file, output to a file, colour, and where the
profile is found."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import PAGES, LoopbackServer, run_cli, send

from attribution.cli import COMMANDS, cli
from attribution.cli.common import use_colour
from attribution.config import find_profile
from attribution.errors import ConfigError

NO_CREDITS = PAGES / "no-credits.html"
SEED = PAGES / "seed-article.html"

ROOT = Path(__file__).resolve().parent.parent


def all_commands() -> list[tuple[str, click.Command]]:
    """Every command and sub-command with its full name."""
    found: list[tuple[str, click.Command]] = []

    def walk(name: str, command: click.Command) -> None:
        found.append((name, command))
        if isinstance(command, click.Group):
            context = click.Context(command)
            for sub_name in command.list_commands(context):
                sub = command.get_command(context, sub_name)
                assert sub is not None, f"{name} {sub_name} cannot be loaded"
                walk(f"{name} {sub_name}", sub)

    walk("attribution", cli)
    return found


@pytest.mark.parametrize("name,command", all_commands(), ids=lambda v: str(v))
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    assert command.help and command.help.strip(), f"{name} has no help text"
    assert "Examples:" in command.help, f"{name} has no example"
    examples = command.help.split("Examples:", 1)[1]
    if isinstance(command, click.Group) and name != "attribution":
        assert name.split()[-1] in examples
    else:
        assert any(
            line.strip().startswith(name) or name in line for line in examples.splitlines()
        ), f"{name}: the examples do not show the command"


@pytest.mark.parametrize("name,command", all_commands(), ids=lambda v: str(v))
def test_every_option_has_help(name: str, command: click.Command) -> None:
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            assert parameter.help, f"{name} {parameter.opts[0]} has no help text"


def test_the_list_of_commands_says_what_each_command_says_of_itself() -> None:
    context = click.Context(cli)
    for name, (_where, summary) in COMMANDS.items():
        command = cli.get_command(context, name)
        assert command is not None and command.name == name
        assert summary == command.get_short_help_str(limit=1000), name
    assert sorted(COMMANDS) == cli.list_commands(context)


def test_help_loads_no_command_module() -> None:
    code = (
        "import sys\n"
        "from attribution.cli import main\n"
        "assert main(['--help']) == 0\n"
        "loaded = [m for m in sys.modules if m.startswith('attribution.cli.') and m != 'attribution.cli.common']\n"
        "heavy = [m for m in ('sqlalchemy', 'requests', 'bs4', 'attribution.records') if m in sys.modules]\n"
        "print(loaded, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().endswith("[] []"), done.stdout


def test_help_runs_for_every_command_in_the_runner() -> None:
    runner = CliRunner()
    for name, _ in all_commands():
        args = [*name.split()[1:], "--help"]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (name, result.output)
        assert "Examples:" in result.output


def test_readme_documents_every_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    for name, _ in all_commands()[1:]:
        shown = (f"{name} ", f"{name}`", f"{name}\n")
        assert any(form in readme for form in shown), f"README does not show {name}"


def test_shell_completion_completes_commands_and_options() -> None:
    env = {
        "_ATTRIBUTION_COMPLETE": "bash_complete",
        "COMP_WORDS": "attribution ch",
        "COMP_CWORD": "1",
    }
    result = run_cli(env=env)
    assert "check" in result.stdout
    env = {
        "_ATTRIBUTION_COMPLETE": "bash_complete",
        "COMP_WORDS": "attribution check --fail",
        "COMP_CWORD": "2",
    }
    assert "--fail-on" in run_cli(env=env).stdout
    script = run_cli(env={"_ATTRIBUTION_COMPLETE": "bash_source"})
    assert "complete" in script.stdout and "_ATTRIBUTION_COMPLETE" in script.stdout


def test_targets_are_read_from_a_file_with_comments(tmp_path: Path) -> None:
    listing = tmp_path / "targets.txt"
    listing.write_text(f"# pages to check\n{NO_CREDITS}\n\n  {SEED}  \n", encoding="utf-8")
    result = run_cli(
        "check",
        "--no-images",
        "--no-store",
        "--targets",
        str(listing),
        "--format",
        "json",
        "--fail-on",
        "never",
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["pages"]) == 2


def test_targets_are_read_from_stdin() -> None:
    result = run_cli(
        "check",
        "--no-images",
        "--no-store",
        "--targets",
        "-",
        "--format",
        "json",
        "--fail-on",
        "never",
        stdin=f"{NO_CREDITS}\n{SEED}\n",
    )
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout)["pages"]
    assert len(pages) == 2 and all(p["images"] for p in pages)


def test_a_missing_target_list_is_a_usage_error() -> None:
    result = run_cli("check", "--no-store", "--targets", "no-such-list.txt")
    assert result.returncode == 2
    assert result.stderr.strip() == "attribution: no-such-list.txt: no such file of targets"


def test_output_writes_the_report_to_a_file(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run_cli(
        "check",
        "--no-images",
        "--no-store",
        str(NO_CREDITS),
        "--format",
        "json",
        "--output",
        str(report),
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert json.loads(report.read_text("utf-8"))["summary"]["error"] == 3


def test_quiet_and_verbose(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone.html")
    quiet = run_cli("check", "--no-images", "--no-store", "--quiet", str(NO_CREDITS), missing)
    assert quiet.returncode == 3
    assert "gone.html: no such file" in quiet.stderr  # errors are never silenced
    verbose = run_cli("check", "--no-images", "--no-store", "--verbose", str(NO_CREDITS))
    assert "3 image(s), 3 finding(s)" in verbose.stderr


class _Terminal:
    def isatty(self) -> bool:
        return True


class _Pipe:
    def isatty(self) -> bool:
        return False


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    assert use_colour(_Terminal(), {}) is True  # type: ignore[arg-type]
    assert use_colour(_Terminal(), {"NO_COLOR": "1"}) is False  # type: ignore[arg-type]
    assert use_colour(_Pipe(), {}) is False  # type: ignore[arg-type]


def test_coloured_report_marks_severities() -> None:
    from attribution.pipeline import check_html
    from attribution.records import Profile
    from attribution.render import CHECK_FORMATS, CheckReport

    page = check_html(NO_CREDITS.read_bytes(), "https://news.example/a")
    plain = CHECK_FORMATS["text"].render(CheckReport((page,), Profile()))
    coloured = CHECK_FORMATS["text"].render(CheckReport((page,), Profile(), colour=True))
    assert "\x1b[" not in plain
    assert "\x1b[1;31mERROR\x1b[0m [missing-credit]" in coloured


def test_profile_found_in_working_directory_then_environment_then_user_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work, named, home = tmp_path / "work", tmp_path / "named.toml", tmp_path / "home"
    work.mkdir()
    named.write_text("[publication]\nname = 'Named'\n", encoding="utf-8")
    user = home / ".config" / "attribution" / "attribution.toml"
    user.parent.mkdir(parents=True)
    user.write_text("[publication]\nname = 'User'\n", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    assert find_profile(work, {}) == user
    assert find_profile(work, {"ATTRIBUTION_CONFIG": str(named)}) == named
    (work / "attribution.toml").write_text("", encoding="utf-8")
    assert find_profile(work, {"ATTRIBUTION_CONFIG": str(named)}) == work / "attribution.toml"
    with pytest.raises(ConfigError, match="ATTRIBUTION_CONFIG"):
        find_profile(tmp_path / "elsewhere", {"ATTRIBUTION_CONFIG": str(tmp_path / "none.toml")})


def test_profile_named_by_environment_is_used_by_check(tmp_path: Path) -> None:
    profile = tmp_path / "profile.toml"
    profile.write_text("[publication]\nname = 'Env Daily'\ncommercial = false\n", encoding="utf-8")
    result = run_cli(
        "check",
        "--no-images",
        "--no-store",
        str(NO_CREDITS),
        "--format",
        "json",
        env={"ATTRIBUTION_CONFIG": str(profile), "XDG_CONFIG_HOME": str(tmp_path)},
    )
    assert json.loads(result.stdout)["profile"] == {"publication": "Env Daily", "commercial": False}


def test_quick_commands_do_not_import_the_database_layer() -> None:
    code = (
        "import sys\n"
        "from attribution.cli import main\n"
        "for args in (['--help'], ['rules'], ['licences', 'list'], ['credits', 'parse', 'AP Photo/X']):\n"
        "    main(args)\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    import subprocess
    import sys

    finished = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    assert "HEAVY []" in finished.stdout, finished.stdout[-500:] + finished.stderr[-2000:]


def test_an_editors_check_leaves_the_parsing_stack_to_the_parsing_process(
    server: LoopbackServer, tmp_path: Path
) -> None:
    # The command's own process fetches the page and the image files and records; the
    # budgeted child parses them. Neither the metadata readers nor the progress bar (one
    # page: none is shown) are loaded in the command's process, which an editor waits for.
    from imagefactory import Metadata, jpeg

    photo = jpeg(Metadata(artist="Jane Doe"))
    page = b"<html><body><article><figure><img src='/a.jpg' width=800 height=600>"
    page += b"<figcaption>A street. Photo: Jane Doe/Reuters</figcaption></figure></article>"
    server.routes["/story"] = lambda handler: send(handler, page + b"</body></html>")
    server.routes["/a.jpg"] = lambda handler: send(handler, photo, "image/jpeg")
    code = (
        "import sys\n"
        "from attribution.cli import main\n"
        f"code = main(['check', '--no-store', '--format', 'json', {server.url('/story')!r}])\n"
        "loaded = sorted(m for m in ('exifread', 'attribution.embedded', 'tqdm', 'bs4') if m in sys.modules)\n"
        "print('LOADED', loaded, code)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path
    )
    report, _, loaded = finished.stdout.rpartition("LOADED ")
    assert loaded.strip() == "[] 1", finished.stdout[-500:] + finished.stderr[-2000:]
    image = json.loads(report)["pages"][0]["images"][0]
    assert image["embedded"]["creator"] == "Jane Doe"  # the file was read, by the child


def test_an_editors_check_records_its_run_without_the_orm(tmp_path: Path) -> None:
    # The run, the rights register and the page are written and read through the
    # tables: the ORM's mapping, configured at its first use (a tenth of a second on a
    # slow machine), is left for the commands that read records as objects.
    env = {**os.environ, "ATTRIBUTION_DATABASE_URL": f"sqlite:///{tmp_path}/record.db"}
    assert run_cli("db", "upgrade", env=env).returncode == 0
    code = (
        "from attribution.cli import main\n"
        f"code = main(['check', '--no-images', {str(SEED)!r}])\n"
        "from attribution.store import list_runs, open_database\n"
        "from attribution.store.models import Run\n"
        "print('CONFIGURED', Run.__mapper__.configured, code)\n"
        "db = open_database()\n"
        "print('RUN', list_runs(db)[0].status, list_runs(db)[0].pages_done)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert "CONFIGURED False 1" in finished.stdout, finished.stdout[-500:] + finished.stderr[-2000:]
    assert "RUN finished 1" in finished.stdout, finished.stdout[-500:]


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` run by a new interpreter, its output captured."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_the_process_entry_runs_the_command_and_sets_its_objects_aside() -> None:
    code = (
        "import gc, sys\n"
        "from attribution.cli import run\n"
        "sys.argv = ['attribution', 'rules', '--format', 'json']\n"
        "code = run()\n"
        "print('CODE', code, 'FROZEN', gc.get_freeze_count() > 0)\n"
    )
    finished = run_python(code)
    assert "CODE 0 FROZEN True" in finished.stdout, finished.stderr[-2000:]
    script = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert script == {"attribution": "attribution.cli:run"}
    assert "sys.exit(run())" in (ROOT / "attribution" / "__main__.py").read_text("utf-8")


def test_every_format_names_a_renderer_that_exists() -> None:
    import attribution.render as render

    tables = [value for name, value in vars(render).items() if name.endswith("_FORMATS")]
    assert len(tables) >= 9
    for table in tables:
        for fmt in table.values():
            module, function = fmt.renderer.split(".")
            assert callable(
                getattr(importlib.import_module(f"attribution.render.{module}"), function)
            )


def modules_loaded_by(args: list[str], package: str) -> set[str]:
    """The modules of ``package`` (their last names) a new interpreter has loaded once
    the command ``args`` has run."""
    code = (
        "import json, sys\n"
        "from attribution.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', json.dumps(sorted(m for m in sys.modules if m.startswith('{package}.'))))\n"
    )
    finished = run_python(code)
    assert "LOADED" in finished.stdout, finished.stderr[-2000:]
    loaded = json.loads(finished.stdout.rsplit("LOADED", 1)[1])
    return {name.removeprefix(f"{package}.") for name in loaded}


def test_a_command_loads_only_the_format_it_writes() -> None:
    loaded = modules_loaded_by(["rules", "--format", "json"], "attribution.render")
    assert "json" in loaded
    for other in ("html", "csv", "markdown"):
        assert other not in loaded


def test_listing_the_rules_loads_no_source_records() -> None:
    # The source rules name the services and statuses only: their records (and the
    # dataclasses that make them) are loaded when a rule judges evidence.
    loaded = modules_loaded_by(["rules"], "attribution")
    assert "rules.atsource" in loaded
    assert "records.atsource" not in loaded and "atsource.changes" not in loaded


def test_the_runner_sees_the_documented_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["check", "--no-images", "--no-store"]
    clean = runner.invoke(cli, [*base, str(NO_CREDITS), "--fail-on", "never"])
    assert clean.exit_code == 0, clean.output
    findings = runner.invoke(cli, [*base, str(NO_CREDITS), "--format", "json"])
    assert findings.exit_code == 1
    assert json.loads(findings.stdout)["summary"]["error"] == 3
    missing = runner.invoke(cli, [*base, str(tmp_path / "gone.html")])
    assert missing.exit_code == 3
    assert "gone.html: no such file" in missing.stderr
    usage = runner.invoke(cli, [*base, "-"])
    assert usage.exit_code == 2 and "--base-url" in usage.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[publication]\ncommercial = 'yes'\n", encoding="utf-8")
    config = runner.invoke(cli, [*base, "--config", str(bad), str(NO_CREDITS)])
    assert config.exit_code == 2
    assert "configuration error:" in config.stderr and "publication.commercial" in config.stderr


@pytest.mark.parametrize(
    ("args", "used", "unused"),
    [
        (["rules"], "finding", ("stored", "extracted", "credit", "embedded", "results", "profile")),
        (
            ["credits", "parse", "Photo: Jane Doe/Reuters"],
            "credit",
            ("stored", "extracted", "results"),
        ),
    ],
)
def test_a_quick_command_loads_only_the_records_it_builds(
    args: list[str], used: str, unused: tuple[str, ...]
) -> None:
    loaded = modules_loaded_by(args, "attribution.records")
    assert used in loaded, loaded
    for kind in unused:
        assert kind not in loaded, loaded
