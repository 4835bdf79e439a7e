"""An image's source: where it comes from, and what that source says of its licence.

Where it sits in the data flow: after extraction, an image's addresses and credit links
can name the item it was taken from, a Wikimedia Commons file or a Flickr photo
(:func:`image_source`, ``locate``). The application (``attribution/app/``) asks those
services' APIs, with the questions built here (:func:`commons_params`,
:func:`flickr_params`), keeps each answer with the time it was given, and hands the
decoded JSON back to this package, which reads it into records
(:class:`~attribution.records.atsource.SourceAnswer`: :func:`read_commons`, ``commons``;
:func:`read_flickr`, ``flickr``). From the kept answers and the source's own history,
``changes`` says how the licence changed and which licence held on the day a page
first showed the image (:func:`licence_on`), which the rules judge.

Fetched answers in, records out: the package is pure (no I/O, no network, no
database), like the rest of the core. HTML in the answers is read with the standard
library's parser (``markup``); licences are recognised by the credit parser's grammar
and the knowledge base's aliases (``recognise``).

Each name is imported from its module when it is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attribution.lazy import lazy_names

if TYPE_CHECKING:
    from attribution.atsource.changes import (
        LicenceOnDay,
        licence_on,
        merged_changes,
        noticed_changes,
    )
    from attribution.atsource.commons import CommonsError, commons_params, read_commons
    from attribution.atsource.flickr import (
        FlickrLicences,
        flickr_failure,
        flickr_params,
        read_flickr,
        read_licence_list,
    )
    from attribution.atsource.locate import image_source, locate_source
    from attribution.atsource.markup import markup_link, markup_text

__all__ = [
    "CommonsError",
    "FlickrLicences",
    "LicenceOnDay",
    "commons_params",
    "flickr_failure",
    "flickr_params",
    "image_source",
    "licence_on",
    "locate_source",
    "markup_link",
    "markup_text",
    "merged_changes",
    "noticed_changes",
    "read_commons",
    "read_flickr",
    "read_licence_list",
]

_MODULES = {
    "CommonsError": "commons",
    "FlickrLicences": "flickr",
    "LicenceOnDay": "changes",
    "commons_params": "commons",
    "flickr_failure": "flickr",
    "flickr_params": "flickr",
    "image_source": "locate",
    "licence_on": "changes",
    "locate_source": "locate",
    "markup_link": "markup",
    "markup_text": "markup",
    "merged_changes": "changes",
    "noticed_changes": "changes",
    "read_commons": "commons",
    "read_flickr": "flickr",
    "read_licence_list": "flickr",
}


__getattr__ = lazy_names(__name__, _MODULES)
