"""The publication profile: defaults, a full profile, and clear errors for bad ones."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest import PAGES, run_cli

from attribution.config import load_profile
from attribution.errors import ConfigError
from attribution.rules import RULE_IDS

FULL = """
[publication]
name = "Example Daily"
commercial = true
adapts_images = true
staff_credits = ["Staff", "Example Daily"]
domains = ["example-daily.com"]

[rules]
"licence-not-linked" = "notice"
"public-domain-unverified" = "off"

[[rights]]
provider = "Associated Press"
scope = "editorial"
valid_from = 2026-01-01
valid_until = 2026-12-31
reference = "AP-2026-17"
"""


def test_no_profile_means_a_commercial_publication() -> None:
    profile = load_profile(None)
    assert profile.commercial and not profile.adapts_images and profile.rights == ()


def test_a_full_profile(tmp_path: Path) -> None:
    path = tmp_path / "attribution.toml"
    path.write_text(FULL, encoding="utf-8")
    profile = load_profile(path, known_rules=RULE_IDS)
    assert profile.publication == "Example Daily" and profile.adapts_images
    assert dict(profile.severity_overrides)["public-domain-unverified"] == "off"
    (entry,) = profile.rights
    assert entry.covers("associated press", date(2026, 5, 1))
    assert not entry.covers("Associated Press", date(2027, 1, 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[publication]\ncommercial = 'yes'\n", "publication.commercial: must be true or false"),
        ("[publication]\nnmae = 'x'\n", "publication.nmae: unknown key"),
        ("[rules]\nno-such-rule = 'error'\n", "rules.no-such-rule: no such rule"),
        ("[rules]\nmissing-credit = 'fatal'\n", "rules.missing-credit: must be one of"),
        ("[[rights]]\nscope = 'editorial'\n", "rights[0].provider: is required"),
        (
            "[[rights]]\nprovider = 'AP'\nvalid_from = 'soon'\n",
            "rights[0].valid_from: must be a date",
        ),
        ("[publication\n", "not valid TOML"),
    ],
)
def test_bad_profiles_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "attribution.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_profile(path, known_rules=RULE_IDS)
    assert message in str(error.value) and str(path) in str(error.value)


def test_cli_uses_the_profile_and_reports_bad_ones(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text("[publication]\ncommercial = false\n", encoding="utf-8")
    page = str(PAGES / "seed-article.html")
    assert run_cli("check", "--no-images", page).returncode == 1  # default profile: commercial
    assert run_cli("check", "--no-images", page, "--config", str(good)).returncode == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("[publication]\ncommercial = 1\n", encoding="utf-8")
    result = run_cli("check", "--no-images", page, "--config", str(bad))
    assert result.returncode == 2
    assert "publication.commercial" in result.stderr and "Traceback" not in result.stderr


def test_rules_command_lists_every_rule() -> None:
    result = run_cli("rules")
    for rule in RULE_IDS:
        assert rule in result.stdout


def test_the_documented_rules_reference_is_current() -> None:
    from attribution.rules import rules_markdown

    documented = (Path(__file__).parent.parent / "docs" / "rules.md").read_text("utf-8")
    assert documented == rules_markdown(), (
        "regenerate: attribution rules --format markdown > docs/rules.md"
    )
