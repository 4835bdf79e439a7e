"""What an image file declares about itself (EXIF, IPTC, XMP, C2PA)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentCredentials:
    """A C2PA manifest store found in an image file, and what validating it showed.

    ``valid`` is None when the manifest could not be validated (``problem`` says why);
    a signer missing from the trust list does not make it invalid, tampering does.
    """

    present: bool = True
    valid: bool | None = None
    ai_generated: bool = False
    issuer: str | None = None
    claim_generator: str | None = None
    statuses: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class Embedded:
    """What an image file declares about itself (EXIF, IPTC, XMP, C2PA).

    ``problem`` is set when the file, or part of its metadata, could not be read: the
    other fields hold whatever was readable. ``sha256`` is the hash of the bytes read
    (the whole file, or its first bytes when only those were fetched).
    """

    format: str | None = None
    creator: str | None = None
    copyright: str | None = None
    credit: str | None = None
    source: str | None = None
    caption: str | None = None
    licence_url: str | None = None
    usage_terms: str | None = None
    web_statement: str | None = None
    attribution_name: str | None = None
    licensor: str | None = None
    digital_source_type: str | None = None
    content_credentials: ContentCredentials | None = None
    problem: str | None = None
    sha256: str | None = None
    bytes_read: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        """Every creator or rights holder the file names."""
        values = (self.creator, self.copyright, self.credit, self.attribution_name, self.licensor)
        return tuple(v for v in values if v)

    @property
    def suggested_credit(self) -> str | None:
        """A credit line built from the file, for images published without one."""
        creator = self.creator or self.attribution_name
        agency = self.credit or self.source or self.licensor
        if creator and agency and agency.casefold() not in creator.casefold():
            return f"{creator}/{agency}"
        return creator or agency or self.copyright
