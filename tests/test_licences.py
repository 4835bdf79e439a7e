"""The licence knowledge base: complete, consistent, and strict about bad data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run_cli

from attribution.errors import LicenceDataError
from attribution.licences import Licence, data_dir, default_knowledge_base, load_knowledge_base

KB = default_knowledge_base()


@pytest.mark.parametrize("family", ["BY", "BY-SA", "BY-ND", "BY-NC", "BY-NC-SA", "BY-NC-ND"])
@pytest.mark.parametrize("version", ["1.0", "2.0", "2.5", "3.0", "4.0"])
def test_every_creative_commons_licence_is_known(family: str, version: str) -> None:
    licence = KB.licence(f"CC-{family}-{version}")
    assert licence is not None
    assert licence.commercial_use == ("NC" not in family)
    assert licence.adaptation == ("ND" not in family)
    assert licence.share_alike == ("SA" in family)
    assert "creator" in licence.attribution
    assert ("title" in licence.attribution) == (version != "4.0")
    for fact in ("commercial_use", "adaptation", "share_alike", "attribution"):
        assert (licence.source_of(fact) or "").startswith("https://")


def test_the_other_licences_and_ports_are_known() -> None:
    for licence_id in (
        "CC0-1.0",
        "CC-PDM-1.0",
        "LicenseRef-Public-Domain",
        "LicenseRef-US-Government-Work",
        "GFDL-1.3-or-later",
        "GFDL-1.2-only",
        "LAL-1.3",
        "OGL-UK-3.0",
        "LicenseRef-Unsplash",
        "LicenseRef-Pixabay",
        "LicenseRef-Pexels",
        "LicenseRef-All-Rights-Reserved",
        "CC-BY-SA-3.0-DE",
        "LicenseRef-CC-BY-SA-3.0-PL",
        "CC-BY-3.0-IGO",
    ):
        assert KB.licence(licence_id) is not None, licence_id
    assert KB.licence("CC-BY-SA-3.0-PL") is None  # SPDX has no such id
    assert KB.licence("LicenseRef-CC-BY-SA-3.0-PL").url.endswith("/by-sa/3.0/pl/")  # type: ignore[union-attr]


def test_providers_have_aliases() -> None:
    ap = KB.provider_by_alias("AP Photo")
    assert ap is not None and ap.name == "Associated Press" and ap.kind == "agency"
    assert KB.provider_by_alias("associated press") is ap
    unsplash = KB.provider_by_alias("Unsplash")
    assert unsplash is not None and unsplash.licence == "LicenseRef-Unsplash"


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    folder = tmp_path / "licences"
    shutil.copytree(data_dir(), folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "cc-by.toml",
            "commercial_use = true",
            'commercial_use = "yes"',
            "cc-by.toml: commercial_use must be true or false",
        ),
        ("cc-by.toml", 'kind = "creative-commons"', 'kind = "open"', "cc-by.toml: kind is 'open'"),
        (
            "cc-by-sa.toml",
            '"creator"',
            '"author"',
            "cc-by-sa.toml: versions[0].attribution has 'author'",
        ),
        (
            "providers.toml",
            'kind = "agency"',
            'kind = "wire"',
            "providers.toml: provider[0].kind is 'wire'",
        ),
        ("pdm.toml", "schema =", "shema =", "pdm.toml: shema is not a known field"),
        (
            "cc-by.toml",
            'commercial_use = "https://creativecommons.org/licenses/by/1.0/legalcode.en"',
            'commercial = "https://creativecommons.org/licenses/by/1.0/legalcode.en"',
            "cc-by.toml: versions[0].sources.commercial is not a known field",
        ),
    ],
)
def test_bad_data_names_the_file_and_field(
    tmp_path: Path, name: str, old: str, new: str, message: str
) -> None:
    with pytest.raises(LicenceDataError) as error:
        load_knowledge_base(broken_copy(tmp_path, name, old, new))
    assert message in str(error.value)


def test_licences_commands() -> None:
    listing = run_cli("licences", "list")
    assert listing.returncode == 0
    assert "CC-BY-NC-2.0" in listing.stdout and "NON-COMMERCIAL" in listing.stdout
    shown = run_cli("licences", "show", "CC-BY-NC-2.0")
    assert "commercial use:   no" in shown.stdout
    assert "https://creativecommons.org/licenses/by-nc/2.0/" in shown.stdout
    missing = run_cli("licences", "show", "CC-BY-9.9")
    assert missing.returncode == 2 and "no licence with id" in missing.stderr


def _document(url: str) -> str:
    return url.split("#", 1)[0]


@pytest.mark.parametrize(
    "licence",
    [licence for licence in KB.licences.values() if licence.version],
    ids=lambda licence: licence.id,
)
def test_each_version_cites_its_own_text_for_its_facts(licence: Licence) -> None:
    """Every fact of a versioned licence cites the text its attribution requirements
    come from (its own legal code), never another version's."""
    own = _document(licence.source_of("attribution") or "")
    for fact, source in licence.sources:
        assert _document(source) == own, (licence.id, fact, source)
    if licence.kind == "creative-commons":
        for fact, source in licence.sources:
            assert f"/{licence.version}/" in source, (licence.id, fact, source)
            assert "/legalcode" in source, (licence.id, fact, source)


def test_licences_show_cites_the_version_shown() -> None:
    shown = run_cli("licences", "show", "CC-BY-NC-2.0").stdout
    sources = shown.split("sources:", 1)[1]
    assert "/4.0/" not in sources
    assert sources.count("https://creativecommons.org/licenses/by-nc/2.0/legalcode") == 5
