"""The scopes an agreement in the rights register may have, and reading a scope's terms."""

from __future__ import annotations

from collections.abc import Mapping

# The scopes an agreement in the rights register may have, as (dimension, meaning).
# A scope is one term or several ("editorial, web"): terms of one dimension are
# alternatives ("web, print" is either medium), terms of different dimensions must all
# hold ("editorial, web" is editorial use on the web), and a dimension the scope does
# not name is not restricted. "any" covers every use. The pages attribution checks are
# articles on the web: editorial use, in the medium "web", by a publication that is
# commercial or not as its profile says.
RIGHTS_SCOPES: Mapping[str, tuple[str, str]] = {
    "any": ("any", "every use, in every medium"),
    "editorial": (
        "purpose",
        "editorial use (articles, news, comment), by a commercial publication or not",
    ),
    "commercial": (
        "purpose",
        "commercial use (advertising, promotion, sponsored content) and editorial use",
    ),
    "non-commercial": ("purpose", "use by a non-commercial publication only"),
    "web": ("medium", "the publication's websites"),
    "print": ("medium", "the publication's print editions"),
    "social": ("medium", "the publication's social media accounts"),
}
_SCOPE_SEPARATORS = str.maketrans({",": " ", "+": " ", ";": " ", "/": " "})


def scope_terms(scope: str) -> tuple[str, ...]:
    """The terms of a scope, lower-cased, in order ("Editorial, Web" → editorial, web);
    an empty scope is "any"."""
    terms = tuple(dict.fromkeys(scope.translate(_SCOPE_SEPARATORS).casefold().split()))
    return terms or ("any",)


def unknown_scope_terms(scope: str) -> tuple[str, ...]:
    """The terms of a scope that are not in :data:`RIGHTS_SCOPES`."""
    return tuple(term for term in scope_terms(scope) if term not in RIGHTS_SCOPES)
