"""The record every rule reads: one image, its credit, the publication and the facts
derived from them once for all rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from attribution.rules.labels import describe_image

if TYPE_CHECKING:
    from attribution.licences import KnowledgeBase, Licence
    from attribution.records import Credit, Embedded, ExtractedImage, Profile, SourceEvidence

# The medium of every page attribution checks: the rights register's scopes are matched
# against it (see attribution.records.RIGHTS_SCOPES).
MEDIUM = "web"


@dataclass(frozen=True)
class Context:
    """One image as the rules see it.

    ``embedded`` is what the image file itself declares, when it was read;
    ``published`` the date the page says it was published, when it says one. The
    derived facts: ``what`` names the image in messages; ``licences`` are the known
    licences the credit names and ``granted`` those of them that grant terms (all but
    "all rights reserved"); ``staff`` says the picture is the publication's own (see
    :func:`is_staff`); ``publisher`` names another publication whose picture it is
    (see :func:`other_publisher`); ``readable`` says the credit names a creator,
    provider, licence, source or holder; ``on`` is the day an agreement in the rights
    register must be in force: the day the page was published, else ``today``.
    ``at_source`` is what the image's source (Wikimedia Commons, Flickr) says of it,
    when it was asked.
    """

    image: ExtractedImage
    credit: Credit | None
    profile: Profile
    kb: KnowledgeBase
    today: date
    embedded: Embedded | None
    what: str
    licences: tuple[Licence, ...]
    granted: tuple[Licence, ...]
    staff: bool
    readable: bool
    published: date | None = None
    publisher: str | None = None
    at_source: SourceEvidence | None = None

    @property
    def on(self) -> date:
        """The day an agreement must be in force: publication, else the check."""
        return self.published or self.today

    @property
    def when(self) -> str:
        """``on`` for messages, saying which day it is."""
        if self.published:
            return f"{self.published} (the date the page was published)"
        return f"{self.today} (the date of the check; the page states no publication date)"


def build_context(
    image: ExtractedImage,
    credit: Credit | None,
    profile: Profile,
    kb: KnowledgeBase,
    today: date,
    embedded: Embedded | None,
    published: date | None = None,
    at_source: SourceEvidence | None = None,
) -> Context:
    """The context of one image, with its derived facts."""
    named = (
        [kb.licence(part) for part in (credit.licence or "").split(" AND ") if part]
        if credit
        else []
    )
    licences = tuple(lic for lic in named if lic is not None)
    staff = credit is not None and is_staff(credit, profile, kb, image)
    return Context(
        image=image,
        credit=credit,
        profile=profile,
        kb=kb,
        today=today,
        embedded=embedded,
        what=describe_image(image),
        licences=licences,
        granted=tuple(lic for lic in licences if lic.kind != "all-rights-reserved"),
        staff=staff,
        readable=credit is not None
        and bool(
            credit.creators or credit.provider or credit.licence or credit.source or credit.holder
        ),
        published=published,
        publisher=None if credit is None or staff else other_publisher(credit, kb),
        at_source=at_source,
    )


def is_staff(
    credit: Credit,
    profile: Profile,
    kb: KnowledgeBase | None = None,
    image: ExtractedImage | None = None,
) -> bool:
    """Whether the picture is the publication's own: its credit names this publication.

    The credit names it when a part of it (provider, holder, source, a creator, the
    whole text) is the publication's name, one of its staff credits or one of its
    domains, or is the provider those name in the provider table ("Guardian" and "The
    Guardian"); when the text mentions one of its domains ("Jane Doe/example-daily.com");
    or when the text contains its name or a staff credit ("Jane Doe, Example Daily
    staff") and names no other organisation ("Reuters staff" is Reuters'). A credit
    that only says "Staff" counts when the image, or a link of its credit, is on one of
    the publication's domains. Where a picture is hosted never makes it the
    publication's own by itself: a picture on the publication's servers credited to
    Reuters is Reuters'.
    """
    domains = own_domains(profile)
    names = {name.casefold() for name in (profile.publication, *profile.staff_credits) if name}
    if not names and not domains:
        return False
    own = names | set(domains)
    parts = [credit.provider, credit.holder, credit.source, credit.text, *credit.creators]
    if any(part and part.casefold().strip() in own for part in parts):
        return True
    if kb is not None and credit.provider:
        providers = _own_providers(profile, domains, kb)
        named = kb.provider_named(credit.provider)
        if named is not None and named.name in providers:
            return True
    text = credit.text.casefold()
    if any(_mentions_domain(text, domain) for domain in domains):
        return True
    others = [n for n in (credit.provider, credit.via, credit.holder, credit.source) if n]
    if not others and any(_mentions(text, name) for name in names if len(name) > 3):
        return True
    return (
        credit.kind == "staff"
        and not others
        and image is not None
        and any(on_domains(url, domains) for url in _urls(image))
    )


def other_publisher(credit: Credit, kb: KnowledgeBase) -> str | None:
    """The other publication a credit gives the picture to, or None.

    That is a provider the provider table lists as a publisher ("Josh Haner/The New
    York Times"), or the organisation of a credit the parser read as a newsroom's own
    picture ("Jane Doe/The Columbus Dispatch", "Jane Doe for BBC"). Call it only for a
    credit that is not this publication's own (see :func:`is_staff`).
    """
    provider = kb.provider_named(credit.provider) if credit.provider else None
    if provider is not None and provider.kind == "publisher":
        return provider.name
    if credit.kind == "staff":
        return credit.provider or credit.holder
    return None


def own_domains(profile: Profile) -> tuple[str, ...]:
    """The publication's domains as hosts: lower case, without scheme, path or "www."."""
    hosts = []
    for domain in profile.domains:
        written = domain.strip().lower()
        host = urlsplit(written if "//" in written else "//" + written).hostname or ""
        host = host.removeprefix("www.")
        if host:
            hosts.append(host)
    return tuple(dict.fromkeys(hosts))


def on_domains(url: str, domains: Iterable[str]) -> bool:
    """Whether ``url`` is on one of ``domains`` (hosts as :func:`own_domains` gives
    them) or a subdomain of one."""
    try:
        host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    except ValueError:
        return False
    host = host.removeprefix("www.")
    return bool(host) and any(host == d or host.endswith("." + d) for d in domains)


def _urls(image: ExtractedImage) -> tuple[str, ...]:
    return (image.src, *image.variants, *image.credit_links)


def _own_providers(profile: Profile, domains: tuple[str, ...], kb: KnowledgeBase) -> set[str]:
    """The providers of the table that are this publication, by name or domain."""
    found = [kb.provider_named(n) for n in (profile.publication, *profile.staff_credits) if n]
    found += [kb.provider_by_domain(domain) for domain in domains]
    return {provider.name for provider in found if provider is not None}


def _mentions(text: str, name: str) -> bool:
    """Whether the case-folded ``text`` contains ``name`` as whole words."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def _mentions_domain(text: str, domain: str) -> bool:
    """Whether the case-folded ``text`` names ``domain`` or a subdomain of it."""
    pattern = rf"(?<![\w.-])(?:[\w-]+\.)*{re.escape(domain)}(?![\w-]|\.\w)"
    return re.search(pattern, text) is not None
