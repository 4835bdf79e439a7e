"""Whether the packages of scans on workers are installed (the ``workers`` extra)."""

from __future__ import annotations

from importlib.util import find_spec

from attribution.errors import ConfigError


def require_workers_extra() -> None:
    """Raise a :class:`ConfigError` saying how to install Celery and redis when either
    is missing (they are not among the packages every install has)."""
    missing = [name for name in ("celery", "redis") if find_spec(name) is None]
    if missing:
        raise ConfigError(
            f"scans on workers need {' and '.join(missing)}: "
            "pip install 'attribution[workers]' (with the PostgreSQL driver: "
            "'attribution[postgres,workers]')"
        )
