"""Storage of check results: the only package that imports SQLAlchemy and Alembic.

``database.py`` chooses, opens and migrates the database and ``models.py`` declares
the tables. Recording and querying, by concern, with plain records in and out:
``runs.py`` (runs and their targets), ``pages.py`` (a checked page, its images and
findings), ``findings.py`` (listing findings, their history), ``evidence.py`` (what
pages showed, over time), ``waivers.py`` (waiving and revoking), ``rights.py`` (the
rights register and its history), ``scans.py`` (the last readings of pages, unchanged
and skipped pages, what a scan changed), ``locks.py`` (one scan of a site at a time);
``transactions.py`` holds what they share.
Callers import from here or from the concern's module.
"""

from attribution.store.database import (
    ENVIRONMENT_VARIABLE,
    Database,
    ResolvedUrl,
    current_revision,
    default_sqlite_path,
    downgrade,
    head_revision,
    make_engine,
    open_database,
    resolve_url,
    safe_url,
    upgrade,
)
from attribution.store.evidence import page_history
from attribution.store.findings import (
    OPEN,
    RESOLVED,
    STATUSES,
    WAIVED,
    FindingFilter,
    finding_identity,
    list_findings,
)
from attribution.store.pages import PageToRecord, record_page, record_pages
from attribution.store.rights import (
    RIGHTS_COLUMNS,
    add_rights,
    import_rights,
    list_rights,
    parse_rights_csv,
    remove_rights,
    rights_history,
)
from attribution.store.runs import (
    finish_run,
    list_runs,
    record_failure,
    resume_run,
    run_pages,
    start_run,
)
from attribution.store.waivers import list_waivers, revoke_waiver, waive

__all__ = [
    "ENVIRONMENT_VARIABLE",
    "OPEN",
    "RESOLVED",
    "RIGHTS_COLUMNS",
    "STATUSES",
    "WAIVED",
    "Database",
    "FindingFilter",
    "PageToRecord",
    "ResolvedUrl",
    "add_rights",
    "current_revision",
    "default_sqlite_path",
    "downgrade",
    "finding_identity",
    "finish_run",
    "head_revision",
    "import_rights",
    "list_findings",
    "list_rights",
    "list_runs",
    "list_waivers",
    "make_engine",
    "open_database",
    "page_history",
    "parse_rights_csv",
    "record_failure",
    "record_page",
    "record_pages",
    "remove_rights",
    "resolve_url",
    "resume_run",
    "revoke_waiver",
    "rights_history",
    "run_pages",
    "safe_url",
    "start_run",
    "upgrade",
    "waive",
]
