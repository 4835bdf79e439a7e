"""A credit line turned into structured facts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Credit:
    """A credit line turned into structured facts.

    ``creators`` are the people credited; ``provider`` the agency, platform or
    organisation under its canonical name; ``via`` a distributor named after the
    provider ("AFP via Getty Images"); ``source`` the named source of a courtesy or
    handout picture; ``holder`` an organisation named as rights holder that is not in
    the provider table ("© Meridian Films Ltd"; several one-word bodies named together,
    "Datawrapper / Statista", are joined with " / "). ``licence`` is an SPDX id, a
    ``LicenseRef-`` id or an SPDX expression joining several with ``AND``.
    ``licence_problem`` says why a licence that was named could not be accepted (for
    example a version that does not exist). ``licence_source`` says where the licence
    comes from: ``"stated"`` when the credit or a link beside it names it,
    ``"inferred"`` when it follows from the provider's own terms (a picture credited to
    NASA, Unsplash or Pixabay with no licence printed), None when there is no licence.
    """

    text: str
    creators: tuple[str, ...] = ()
    provider: str | None = None
    via: str | None = None
    source: str | None = None
    holder: str | None = None
    licence: str | None = None
    licence_url: str | None = None
    licence_problem: str | None = None
    licence_source: str | None = None
    kind: str = "unknown"
    confidence: float = 0.0

    @property
    def creator(self) -> str | None:
        """The creators joined for display, or None when no person is named."""
        return ", ".join(self.creators) if self.creators else None
