"""The licence tables kept in the user's cache folder: used while the data files are
unchanged, never in the way when they cannot be kept."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from attribution import licences
from attribution.licences import cache_folder, data_dir, load_knowledge_base


def snapshot(kb: licences.KnowledgeBase) -> Any:
    return (sorted(kb.licences.items()), sorted(kb.families.items()), kb.providers)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    return folder


def cached_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("licence-tables-*.marshal"))


def test_the_cached_tables_give_the_same_knowledge_base(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    uncached = snapshot(load_knowledge_base(data_dir()))
    parsed = load_knowledge_base(data, cache=cache)
    assert len(cached_files(cache)) == 1

    def no_parsing(name: str, raw: bytes) -> Any:
        raise AssertionError(f"{name} was parsed again")

    monkeypatch.setattr(licences, "_parse_toml", no_parsing)
    again = load_knowledge_base(data, cache=cache)
    assert snapshot(again) == snapshot(parsed) == uncached


def test_a_changed_data_file_is_read_again(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_knowledge_base(data, cache=cache)
    providers = data / "providers.toml"
    providers.write_text(
        providers.read_text("utf-8").replace('name = "Getty Images"', 'name = "Getty Pictures"'),
        "utf-8",
    )
    changed = load_knowledge_base(data, cache=cache)
    assert changed.provider("Getty Pictures") is not None
    assert changed.provider("Getty Images") is None
    assert len(cached_files(cache)) == 1  # the cache of the old files is gone


def test_invalid_data_is_reported_whatever_was_cached(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_knowledge_base(data, cache=cache)
    (data / "pdm.toml").write_text("schema = [", "utf-8")
    with pytest.raises(licences.LicenceDataError, match=r"pdm\.toml: not valid TOML"):
        load_knowledge_base(data, cache=cache)


def test_a_cache_that_cannot_be_written_is_passed_over(data: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", "utf-8")
    kb = load_knowledge_base(data, cache=blocked / "cache")
    assert snapshot(kb) == snapshot(load_knowledge_base(data))
    assert blocked.read_text("utf-8") == "not a folder"


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[: len(blob) // 2],
        lambda blob: blob[:-1] + bytes([blob[-1] ^ 1]),
        lambda blob: b"",
        lambda blob: b"\n" + blob,
    ],
)
def test_a_damaged_cache_is_read_from_the_files_and_rewritten(
    data: Path, tmp_path: Path, damage: Any
) -> None:
    cache = tmp_path / "cache"
    expected = snapshot(load_knowledge_base(data, cache=cache))
    [file] = cached_files(cache)
    file.write_bytes(damage(file.read_bytes()))
    assert snapshot(load_knowledge_base(data, cache=cache)) == expected
    [rewritten] = cached_files(cache)
    key = rewritten.read_bytes().split(b" ", 1)[0].decode()
    names = {path.name for path in data.glob("*.toml")}
    assert licences._read_cached_tables(rewritten, key, names) is not None


def test_the_cache_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "attribution"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if licences.os.name != "nt":
        assert cache_folder() == tmp_path / "home" / ".cache" / "attribution"
