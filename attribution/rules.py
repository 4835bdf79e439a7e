"""Rules: what is wrong with an image's credit, and what to do about it.

Each rule has a stable kebab-case id, a default severity, a message naming the
evidence and a concrete fix. Rules are pure functions of the image, its parsed
credit and the publication profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from attribution.records import Credit, ExtractedImage, Finding, Profile, Severity


@dataclass(frozen=True)
class Rule:
    """A rule's identity, default severity and the explanation shown to editors."""

    id: str
    severity: Severity
    summary: str
    explanation: str


MISSING_CREDIT = Rule(
    "missing-credit",
    Severity.ERROR,
    "An image is published without a credit.",
    "Every image needs a visible credit naming who made it and where it comes from. "
    "Without one the publication cannot show it has the right to use the picture, and "
    "licences that require attribution are breached.",
)

RULES: tuple[Rule, ...] = (MISSING_CREDIT,)


def _describe(image: ExtractedImage) -> str:
    name = image.src.rsplit("/", 1)[-1].split("?", 1)[0] or image.src
    return f"'{image.alt}' ({name})" if image.alt else name


def check_image(
    image: ExtractedImage, credit: Credit | None, profile: Profile
) -> tuple[Finding, ...]:
    """Every finding for one image under ``profile``."""
    findings: list[Finding] = []
    if credit is None:
        findings.append(
            Finding(
                rule=MISSING_CREDIT.id,
                severity=MISSING_CREDIT.severity,
                message=f"Image {_describe(image)} has no credit.",
                fix="Add a credit next to the image naming the creator and the source, "
                "and the licence if it is published under one.",
            )
        )
    return tuple(findings)
