"""Every rule, gathered from the modules that declare them, and the check of one image.

The modules' order is the order in which an image's findings are reported and the
rules are documented. A new rule is declared in its group's module (in that module's
``RULES``); a new group is added to ``MODULES``.
"""

from __future__ import annotations

from datetime import date
from types import ModuleType
from typing import TYPE_CHECKING

from attribution.rules import (
    agreements,
    atsource,
    attribution,
    credit,
    licence,
    metadata,
    terms,
)
from attribution.rules.context import build_context
from attribution.rules.registry import run

if TYPE_CHECKING:
    from attribution.licences import KnowledgeBase
    from attribution.records import (
        Credit,
        Embedded,
        ExtractedImage,
        Finding,
        Profile,
        SourceEvidence,
    )
    from attribution.rules.registry import Rule

MODULES: tuple[ModuleType, ...] = (
    metadata,
    credit,
    licence,
    atsource,
    agreements,
    terms,
    attribution,
)


def _gather(modules: tuple[ModuleType, ...]) -> tuple[Rule, ...]:
    rules: tuple[Rule, ...] = tuple(each for module in modules for each in module.RULES)
    ids = [each.id for each in rules]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise ValueError(f"rule ids declared twice: {', '.join(duplicates)}")
    return rules


RULES: tuple[Rule, ...] = _gather(MODULES)
RULE_IDS: frozenset[str] = frozenset(each.id for each in RULES)


def check_image(
    image: ExtractedImage,
    credit: Credit | None,
    profile: Profile,
    kb: KnowledgeBase,
    today: date | None = None,
    embedded: Embedded | None = None,
    *,
    published: date | None = None,
    at_source: SourceEvidence | None = None,
) -> tuple[Finding, ...]:
    """Every finding for one image used by the publication described by ``profile``.

    ``embedded`` is what the image file itself declares, when it was read;
    ``published`` the date the page says it was published, when it says one: the rights
    register's agreements must be in force on that day, else on ``today``;
    ``at_source`` what the image's source (Wikimedia Commons, Flickr) says of it.
    """
    context = build_context(
        image, credit, profile, kb, today or date.today(), embedded, published, at_source
    )
    return run(RULES, context)
