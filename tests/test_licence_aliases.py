"""Licences outside Creative Commons are recognised by the aliases in ``licences/``: a new
spelling is a change to the data, not to the code."""

from __future__ import annotations

import shutil
from pathlib import Path

from attribution.credits import find_licences_in_text, parse_credit
from attribution.licences import KnowledgeBase, data_dir, load_knowledge_base


def _kb_with_alias(tmp_path: Path, file: str, old: str, new: str) -> KnowledgeBase:
    """A knowledge base loaded from a copy of ``licences/`` with one line edited."""
    folder = tmp_path / "licences"
    shutil.copytree(data_dir(), folder)
    path = folder / file
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return load_knowledge_base(folder)


def test_a_dutch_all_rights_reserved_is_read_from_the_toml_alias() -> None:
    credit = parse_credit("Foto: Jan Jansen, alle rechten voorbehouden")
    assert credit.licence == "LicenseRef-All-Rights-Reserved"
    assert credit.creators == ("Jan Jansen",)
    assert credit.kind == "copyright"


def test_an_alias_added_to_the_data_is_recognised(tmp_path: Path) -> None:
    text = "Foto: Jan Jansen, kaikki oikeudet pidätetään"  # Finnish
    assert parse_credit(text).licence is None
    kb = _kb_with_alias(
        tmp_path,
        "all-rights-reserved.toml",
        '"alle rechten voorbehouden"',
        '"alle rechten voorbehouden", "kaikki oikeudet pidätetään"',
    )
    mentions = find_licences_in_text(text, kb)
    assert [m.licence for m in mentions] == ["LicenseRef-All-Rights-Reserved"]
    assert text[mentions[0].start : mentions[0].end] == "kaikki oikeudet pidätetään"
    assert parse_credit(text, kb=kb).licence == "LicenseRef-All-Rights-Reserved"


def test_provider_names_and_slogans_are_not_licences() -> None:
    # "Unsplash" names the platform (its licence is implied); "Unsplash License" names it
    assert parse_credit("Photo by Ana Ruiz on Unsplash").provider == "Unsplash"
    stated = parse_credit("Ana Ruiz, Unsplash License")
    assert stated.licence == "LicenseRef-Unsplash"
    some = parse_credit("Jane Doe / Flickr (CC BY-NC 2.0). Some rights reserved.")
    assert some.licence == "CC-BY-NC-2.0"
    assert parse_credit("Bild: PD").licence is None  # "PD": a press service, too short


def test_spellings_the_grammar_reads_and_aliases_agree() -> None:
    kb_text = {
        "Todos los derechos reservados": "LicenseRef-All-Rights-Reserved",
        "tous droits reserves": "LicenseRef-All-Rights-Reserved",
        "Imagen: dominio publico": "LicenseRef-Public-Domain",
        "Foto: PD-old-70": "LicenseRef-Public-Domain",
        "GFDL 1.2 or later": "GFDL-1.2-or-later",
        "Open Government Licence v3.0": "OGL-UK-3.0",
        "Public Domain Mark 1.0": "CC-PDM-1.0",
        "Pixabay Content Licence": "LicenseRef-Pixabay",
    }
    for text, licence in kb_text.items():
        assert parse_credit(text).licence == licence, text
