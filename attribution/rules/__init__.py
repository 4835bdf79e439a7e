"""Rules: may this publication use this image as it does, and what to do if not.

Each rule has a stable kebab-case id, a default severity, a message that names the
evidence and a concrete ``fix``. :func:`check_image` is a pure function of the image,
its parsed credit, the publication profile, the licence knowledge base, the date and
what the image file declares. The profile may change a rule's severity or switch it
off. Every rule is declared once, in the module of its group (``credit``, ``licence``,
``terms``, ``attribution``, ``agreements``, ``metadata``), and runs independently of
the others (see :mod:`attribution.rules.registry`).
"""

from __future__ import annotations

from attribution.rules.attribution import attribution_line
from attribution.rules.catalogue import RULE_IDS, RULES, check_image
from attribution.rules.docs import rules_markdown
from attribution.rules.labels import describe_image, licence_label
from attribution.rules.registry import Rule

__all__ = [
    "RULES",
    "RULE_IDS",
    "Rule",
    "attribution_line",
    "check_image",
    "describe_image",
    "licence_label",
    "rules_markdown",
]
