"""Immutable records that flow between the stages of the pipeline.

Each stage is a pure function from one kind of record to the next:
``ExtractedPage`` (extract) → ``Credit`` (credits) → ``Finding`` (rules) →
``PageResult`` (pipeline). Records never hold parser or network objects.

The records live in one module per kind (``extracted``, ``credit``, ``embedded``,
``finding``, ``results``, ``atsource``, ``profile`` with the rights register's ``scopes``,
``stored``) and every name is imported here when it is first used: a frozen dataclass
costs about a millisecond to create, so a command that parses one credit or lists the
rules loads only the records it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attribution.lazy import lazy_names

if TYPE_CHECKING:
    from attribution.records.atsource import (
        LicenceChange,
        SourceAnswer,
        SourceEvidence,
        SourceRef,
    )
    from attribution.records.credit import Credit
    from attribution.records.embedded import ContentCredentials, Embedded
    from attribution.records.extracted import ExtractedImage, ExtractedPage
    from attribution.records.finding import FINDING_STATUSES, Finding, Severity
    from attribution.records.profile import (
        Limits,
        Profile,
        RightsEntry,
        ScanSettings,
        ServeSettings,
        SourceSettings,
    )
    from attribution.records.report import (
        DIFF_CHANGES,
        DiffEntry,
        FieldChange,
        ReportFinding,
        ReportImage,
        ReportScope,
        RunDiff,
    )
    from attribution.records.results import (
        ImageResult,
        LastReading,
        PageResult,
        PageSource,
        UnchangedPage,
    )
    from attribution.records.roles import CONTENT_ROLE, IMAGE_ROLES, SOCIAL_ROLE
    from attribution.records.scan import NewFinding, ScanSummary
    from attribution.records.scopes import RIGHTS_SCOPES, scope_terms, unknown_scope_terms
    from attribution.records.stored import (
        DeclaredImage,
        FindingChange,
        ImageEvidence,
        PageSnapshot,
        RightsChange,
        RightsImport,
        RunSummary,
        StoredFinding,
        Waiver,
        WorkerStatus,
        WorkerTally,
    )

__all__ = [
    "CONTENT_ROLE",
    "DIFF_CHANGES",
    "FINDING_STATUSES",
    "IMAGE_ROLES",
    "RIGHTS_SCOPES",
    "SOCIAL_ROLE",
    "ContentCredentials",
    "Credit",
    "DeclaredImage",
    "DiffEntry",
    "Embedded",
    "ExtractedImage",
    "ExtractedPage",
    "FieldChange",
    "Finding",
    "FindingChange",
    "ImageEvidence",
    "ImageResult",
    "LastReading",
    "LicenceChange",
    "Limits",
    "NewFinding",
    "PageResult",
    "PageSnapshot",
    "PageSource",
    "Profile",
    "ReportFinding",
    "ReportImage",
    "ReportScope",
    "RightsChange",
    "RightsEntry",
    "RightsImport",
    "RunDiff",
    "RunSummary",
    "ScanSettings",
    "ScanSummary",
    "ServeSettings",
    "Severity",
    "SourceAnswer",
    "SourceEvidence",
    "SourceRef",
    "SourceSettings",
    "StoredFinding",
    "UnchangedPage",
    "Waiver",
    "WorkerStatus",
    "WorkerTally",
    "scope_terms",
    "unknown_scope_terms",
]

_MODULES = {
    "LicenceChange": "atsource",
    "SourceAnswer": "atsource",
    "SourceEvidence": "atsource",
    "SourceRef": "atsource",
    "Credit": "credit",
    "ContentCredentials": "embedded",
    "Embedded": "embedded",
    "CONTENT_ROLE": "roles",
    "IMAGE_ROLES": "roles",
    "SOCIAL_ROLE": "roles",
    "ExtractedImage": "extracted",
    "ExtractedPage": "extracted",
    "FINDING_STATUSES": "finding",
    "Finding": "finding",
    "Severity": "finding",
    "Limits": "profile",
    "Profile": "profile",
    "RightsEntry": "profile",
    "ScanSettings": "profile",
    "ServeSettings": "profile",
    "SourceSettings": "profile",
    "ImageResult": "results",
    "PageResult": "results",
    "PageSource": "results",
    "LastReading": "results",
    "UnchangedPage": "results",
    "DIFF_CHANGES": "report",
    "DiffEntry": "report",
    "FieldChange": "report",
    "ReportFinding": "report",
    "ReportImage": "report",
    "ReportScope": "report",
    "RunDiff": "report",
    "NewFinding": "scan",
    "ScanSummary": "scan",
    "RIGHTS_SCOPES": "scopes",
    "scope_terms": "scopes",
    "unknown_scope_terms": "scopes",
    "DeclaredImage": "stored",
    "FindingChange": "stored",
    "ImageEvidence": "stored",
    "PageSnapshot": "stored",
    "RightsChange": "stored",
    "RightsImport": "stored",
    "RunSummary": "stored",
    "WorkerStatus": "stored",
    "WorkerTally": "stored",
    "StoredFinding": "stored",
    "Waiver": "stored",
}


__getattr__ = lazy_names(__name__, _MODULES)
