"""The pure core of an image's source (attribution.atsource): which Commons file or Flickr
photo an address names, and what those services' answers say.

The payloads below are written from the shapes the services document:

- Commons: https://www.mediawiki.org/wiki/API:Imageinfo (pages, imageinfo, missing,
  invalid, normalized), https://www.mediawiki.org/wiki/Extension:CommonsMetadata (the
  extmetadata fields) and https://www.mediawiki.org/wiki/API:JSON_version_2 (pages as a
  list, boolean flags);
- Flickr: https://www.flickr.com/services/api/flickr.photos.getInfo.html,
  https://www.flickr.com/services/api/flickr.photos.licenses.getInfo.html,
  https://www.flickr.com/services/api/flickr.photos.licenses.getLicenseHistory.html and
  https://www.flickr.com/services/api/response.json.html (stat, code, message).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from attribution.atsource import (
    CommonsError,
    FlickrLicences,
    commons_params,
    flickr_failure,
    flickr_params,
    image_source,
    licence_on,
    locate_source,
    markup_link,
    markup_text,
    merged_changes,
    noticed_changes,
    read_commons,
    read_flickr,
    read_licence_list,
)
from attribution.atsource.locate import BASE58_ALPHABET
from attribution.licences import KnowledgeBase, default_knowledge_base
from attribution.records.atsource import (
    COMMONS,
    FLICKR,
    FOUND,
    MISSING,
    PRIVATE,
    LicenceChange,
    SourceAnswer,
)
from attribution.records.extracted import ExtractedImage

ASKED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_knowledge_base()


# Where an image comes from


def _key(url: str) -> tuple[str, str] | None:
    ref = locate_source([url])
    return None if ref is None else (ref.service, ref.key)


@pytest.mark.parametrize(
    "url",
    [
        "https://commons.wikimedia.org/wiki/File:Name_x.jpg",
        "http://commons.wikimedia.org/wiki/File:Name_x.jpg",
        "https://commons.m.wikimedia.org/wiki/File:Name_x.jpg",
        "https://commons.wikimedia.org/wiki/File:name_x.jpg",  # MediaWiki upper-cases it
        "https://commons.wikimedia.org/wiki/File:Name%20x.jpg",
        "https://commons.wikimedia.org/wiki/File:Name__x.jpg",  # runs of spaces are one
        "https://commons.wikimedia.org/wiki/file:Name_x.jpg",  # namespaces ignore case
        "https://commons.wikimedia.org/wiki/Image:Name_x.jpg",
        "https://commons.wikimedia.org/wiki/File:Name_x.jpg#Licensing",
        "https://commons.wikimedia.org/wiki/File:Name_x.jpg?uselang=de",
        "https://commons.wikimedia.org/w/index.php?title=File:Name_x.jpg&oldid=123",
        "https://commons.wikimedia.org/wiki/Special:FilePath/Name_x.jpg",
        "https://commons.wikimedia.org/wiki/Category:Things#/media/File:Name_x.jpg",
        "  https://commons.wikimedia.org/wiki/File:Name_x.jpg  ",
    ],
)
def test_commons_file_pages_name_the_file(url: str) -> None:
    ref = locate_source([url])
    assert ref is not None
    assert (ref.service, ref.key) == (COMMONS, "File:Name x.jpg")
    assert ref.page_url == "https://commons.wikimedia.org/wiki/File:Name_x.jpg"
    assert ref.found_in == url.strip()


def test_commons_titles_are_decoded_and_their_pages_encoded() -> None:
    ref = locate_source(["https://commons.wikimedia.org/wiki/File:Caf%C3%A9_de_Flore_(Paris).jpg"])
    assert ref is not None
    assert ref.key == "File:Café de Flore (Paris).jpg"
    assert ref.page_url == "https://commons.wikimedia.org/wiki/File:Caf%C3%A9_de_Flore_(Paris).jpg"
    assert ref.label == "Wikimedia Commons File:Café de Flore (Paris).jpg"


@pytest.mark.parametrize(
    "url",
    [
        "https://upload.wikimedia.org/wikipedia/commons/a/ab/Name_x.jpg",
        "https://upload.wikimedia.org/wikipedia/commons/thumb/a/ab/Name_x.jpg/640px-Name_x.jpg",
        "https://upload.wikimedia.org/wikipedia/commons/archive/a/ab/20100101000000!Name_x.jpg",
        "//upload.wikimedia.org/wikipedia/commons/a/ab/Name%5Fx.jpg",
    ],
)
def test_commons_image_files_name_their_file(url: str) -> None:
    assert _key(url) == (COMMONS, "File:Name x.jpg")


@pytest.mark.parametrize(
    "url",
    [
        # files of other wikis: Commons knows nothing of them
        "https://upload.wikimedia.org/wikipedia/en/a/ab/Name_x.jpg",
        "https://upload.wikimedia.org/wikipedia/en/thumb/a/ab/Name_x.jpg/640px-Name_x.jpg",
        "https://en.wikipedia.org/wiki/File:Name_x.jpg",
        "https://de.wikipedia.org/wiki/Datei:Name_x.jpg",
        "https://en.wikipedia.org/wiki/Paris#/media/File:Name_x.jpg",
        # Commons pages that are not files
        "https://commons.wikimedia.org/wiki/Category:Paris",
        "https://commons.wikimedia.org/wiki/User:Someone",
        "https://commons.wikimedia.org/wiki/Main_Page",
        "https://commons.wikimedia.org/wiki/File:",
        "https://commons.wikimedia.org/wiki/File:A<b>.jpg",
        "https://commons.wikimedia.org/w/index.php?search=File:Name_x.jpg",
        # upload paths that are not files
        "https://upload.wikimedia.org/wikipedia/commons/a/Name_x.jpg",
        "https://upload.wikimedia.org/wikipedia/commons/a/bc/Name_x.jpg",
        "https://upload.wikimedia.org/wikipedia/commons/",
        # look-alike hosts
        "https://commons.wikimedia.org.example.com/wiki/File:Name_x.jpg",
        "https://example.com/commons.wikimedia.org/wiki/File:Name_x.jpg",
        "ftp://commons.wikimedia.org/wiki/File:Name_x.jpg",
    ],
)
def test_what_is_not_a_commons_file_names_nothing(url: str) -> None:
    assert locate_source([url]) is None


@pytest.mark.parametrize(
    ("url", "photo_id", "page"),
    [
        (
            "https://www.flickr.com/photos/bees/2733/",
            "2733",
            "https://www.flickr.com/photos/bees/2733/",
        ),
        (
            "https://flickr.com/photos/bees/2733",
            "2733",
            "https://www.flickr.com/photos/bees/2733/",
        ),
        (
            "https://m.flickr.com/photos/12037949754@N01/2733/in/photostream/",
            "2733",
            "https://www.flickr.com/photos/12037949754@N01/2733/",
        ),
        (
            "https://www.flickr.com/photos/bees/2733/in/album-72157/",
            "2733",
            "https://www.flickr.com/photos/bees/2733/",
        ),
        (
            "https://www.flickr.com/photo.gne?id=123",
            "123",
            "https://www.flickr.com/photo.gne?id=123",
        ),
        (
            "https://live.staticflickr.com/65535/12345_abcdef_b.jpg",
            "12345",
            "https://www.flickr.com/photo.gne?id=12345",
        ),
        (
            "https://farm3.staticflickr.com/2922/14321741011_0ddc14584b_o.jpg",
            "14321741011",
            "https://www.flickr.com/photo.gne?id=14321741011",
        ),
        (
            "https://c1.staticflickr.com/9/8765/14321741011_0ddc14584b.jpg",
            "14321741011",
            "https://www.flickr.com/photo.gne?id=14321741011",
        ),
        (
            "http://farm1.static.flickr.com/2/1418878_1e92283336_m.jpg",
            "1418878",
            "https://www.flickr.com/photo.gne?id=1418878",
        ),
    ],
)
def test_flickr_photo_addresses_name_the_photo(url: str, photo_id: str, page: str) -> None:
    ref = locate_source([url])
    assert ref is not None
    assert (ref.service, ref.key, ref.page_url, ref.found_in) == (FLICKR, photo_id, page, url)
    assert ref.label == f"Flickr photo {photo_id}"


def test_flickr_short_links_are_base58_photo_ids() -> None:
    # the pair of Flickr's API group thread on short URLs (misc.urls.html, "Short URLs")
    assert _key("https://flic.kr/p/7Afjsu") == (FLICKR, "4325695128")
    assert _key("http://flic.kr/p/7Afjsu/") == (FLICKR, "4325695128")
    # every character of the alphabet has its own value, in order
    assert _key(f"https://flic.kr/p/{BASE58_ALPHABET[1]}") == (FLICKR, "1")
    assert _key(f"https://flic.kr/p/{BASE58_ALPHABET[-1]}1") == (FLICKR, str(57 * 58))
    assert _key("https://flic.kr/p/21") == (FLICKR, "58")
    assert _key("https://flic.kr/p/0OIl") is None  # not in the alphabet
    assert _key("https://flic.kr/s/aHsk") is None  # an album's short link
    assert _key("https://www.flickr.com/photo.gne?short=7Afjsu") == (FLICKR, "4325695128")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.flickr.com/photos/bees/",
        "https://www.flickr.com/photos/bees",
        "https://www.flickr.com/photos/bees/sets/72157594/",
        "https://www.flickr.com/photos/bees/albums/72157594",
        "https://www.flickr.com/photos/bees/galleries/72157/",
        "https://www.flickr.com/photos/bees/favorites/",
        "https://www.flickr.com/photos/tags/2733/",
        "https://www.flickr.com/groups/api/pool/",
        "https://www.flickr.com/groups/api/discuss/72157616713786392/",
        "https://www.flickr.com/photo.gne?id=abc",
        "https://live.staticflickr.com/65535/buddyicons/12037949754@N01.jpg",
        "https://live.staticflickr.com/65535/photo.jpg",
        "https://www.flickr.com.example.com/photos/bees/2733/",
        "https://notflickr.com/photos/bees/2733/",
    ],
)
def test_what_is_not_a_flickr_photo_names_nothing(url: str) -> None:
    assert locate_source([url]) is None


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "http://[::1",
        "https://",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "https://commons.wikimedia.org/wiki/File:" + "a" * 100_000,
        "https://commons.wikimedia.org/wiki/File:" + "%" * 5000,
        "https://upload.wikimedia.org/wikipedia/commons/" + "a/" * 3000,
        "https://www.flickr.com/photos/" + "x/" * 3000,
        "https://flic.kr/p/" + "z" * 5000,
        "https://www.flickr.com/photos/bees/" + "9" * 5000,
        "https://live.staticflickr.com/1/" + "1" * 3000 + "_ab.jpg",
        "https://commons.wikimedia.org/wiki/File:\x00\u202e.jpg",
    ],
)
def test_garbage_and_hostile_addresses_never_raise(url: str) -> None:
    assert locate_source([url]) is None


def test_locate_source_takes_the_first_address_that_names_an_item() -> None:
    ref = locate_source(
        [
            "https://example.com/photo.jpg",
            "https://www.flickr.com/photos/bees/albums/1",
            "https://www.flickr.com/photos/bees/2733/",
            "https://commons.wikimedia.org/wiki/File:Name_x.jpg",
        ]
    )
    assert ref is not None and ref.key == "2733"
    assert locate_source([]) is None


def test_image_source_reads_credit_links_then_src_then_variants() -> None:
    commons = "https://upload.wikimedia.org/wikipedia/commons/a/ab/From_src.jpg"
    variant = "https://live.staticflickr.com/65535/777_abc_b.jpg"
    credited = ExtractedImage(
        src=commons,
        variants=(variant,),
        credit_links=(
            "https://creativecommons.org/licenses/by/4.0/",
            "https://www.flickr.com/photos/bees/2733/",
        ),
    )
    ref = image_source(credited)
    assert ref is not None and (ref.service, ref.key) == (FLICKR, "2733")
    ref = image_source(ExtractedImage(src=commons, variants=(variant,)))
    assert ref is not None and ref.key == "File:From src.jpg"
    ref = image_source(ExtractedImage(src="https://cdn.example.com/a.jpg", variants=(variant,)))
    assert ref is not None and (ref.key, ref.found_in) == ("777", variant)
    assert image_source(ExtractedImage(src="https://cdn.example.com/a.jpg")) is None


# HTML in answers


def test_markup_text_drops_tags_and_decodes_entities() -> None:
    assert markup_text(
        '<a href="//commons.wikimedia.org/wiki/User:Jane_Doe" title="User:Jane Doe">'
        "Jane&nbsp;Doe</a>"
    ) == ("Jane Doe")
    assert markup_text('<span class="int-own-work" lang="en">Own work</span>') == "Own work"
    assert markup_text("<div><b><i>Nested</i> and <u>deep</u></b></div>") == "Nested and deep"
    assert markup_text("Fish &amp; Chips &copy; 2020 &#8212; &#x41;") == "Fish & Chips © 2020 — A"
    assert markup_text("line one<br>line two<p>three</p>") == "line one line two three"
    assert markup_text("  many \n\t spaces  ") == "many spaces"
    assert markup_text("red\x1b[31m\u202eflip") == "red[31mflip"
    assert markup_text("") is None
    assert markup_text("<span> </span>") is None
    assert markup_text(None) is None


def test_script_like_text_stays_text() -> None:
    assert markup_text("&lt;script&gt;alert(1)&lt;/script&gt;") == "<script>alert(1)</script>"
    assert markup_text("a <script>alert(1)</script>b") == "a b"  # a real script is not text


def test_markup_link_takes_the_first_web_link() -> None:
    assert (
        markup_link('<a href="//commons.wikimedia.org/wiki/User:X">X</a>')
        == "https://commons.wikimedia.org/wiki/User:X"
    )
    assert (
        markup_link(
            '<a href="javascript:alert(1)">x</a> <a href="/wiki/User:Y">Y</a>'
            '<a href="https://www.flickr.com/people/z/">Z</a>'
            '<a href="https://example.com/second">2</a>'
        )
        == "https://www.flickr.com/people/z/"
    )
    assert markup_link('<a href="https://example.com/a?b=1&amp;c=2">q</a>') == (
        "https://example.com/a?b=1&c=2"
    )
    assert markup_link("no link here") is None
    assert markup_link('<a href="mailto:a@example.com">mail</a>') is None
    assert markup_link(None) is None


# Wikimedia Commons


def _meta(value: str) -> dict[str, str]:
    """An extmetadata field as CommonsMetadata gives it."""
    return {"value": value, "source": "commons-desc-page", "hidden": ""}


def _found_page(title: str, fields: dict[str, str], **extra: Any) -> dict[str, Any]:
    name = title.removeprefix("File:").replace(" ", "_")
    return {
        "pageid": 4242,
        "ns": 6,
        "title": title,
        "imagerepository": "local",
        "imageinfo": [
            {
                "url": f"https://upload.wikimedia.org/wikipedia/commons/a/ab/{name}",
                "descriptionurl": f"https://commons.wikimedia.org/wiki/File:{name}",
                "descriptionshorturl": "https://commons.wikimedia.org/w/index.php?curid=4242",
                "extmetadata": {key: _meta(value) for key, value in fields.items()},
                **extra,
            }
        ],
    }


def _payload(
    *pages: dict[str, Any], normalized: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    query: dict[str, Any] = {"pages": list(pages)}
    if normalized:
        query["normalized"] = normalized
    return {"batchcomplete": True, "query": query}


OWN_WORK_FIELDS = {
    "DateTime": "2014-06-13 20:52:06",
    "DateTimeOriginal": "2014-06-01",
    "Credit": '<span class="int-own-work" lang="en">Own work</span>',
    "Artist": '<a href="//commons.wikimedia.org/wiki/User:Jane_Doe" title="User:Jane Doe">Jane &amp; Doe</a>',
    "LicenseShortName": "CC BY-SA 4.0",
    "UsageTerms": "Creative Commons Attribution-Share Alike 4.0",
    "AttributionRequired": "true",
    "LicenseUrl": "https://creativecommons.org/licenses/by-sa/4.0",
    "Copyrighted": "True",
    "Restrictions": "",
    "License": "cc-by-sa-4.0",
}


def test_commons_params_ask_for_exactly_what_is_read() -> None:
    params = commons_params(["File:A.jpg", "File:B c.jpg"])
    assert params == {
        "action": "query",
        "prop": "imageinfo",
        "iiprop": "extmetadata|url",
        "iiextmetadatafilter": params["iiextmetadatafilter"],
        "iiextmetadatalanguage": "en",
        "titles": "File:A.jpg|File:B c.jpg",
        "format": "json",
        "formatversion": "2",
        "maxlag": "5",
    }
    assert set(params["iiextmetadatafilter"].split("|")) == {
        "LicenseShortName",
        "LicenseUrl",
        "License",
        "UsageTerms",
        "Artist",
        "Credit",
        "AttributionRequired",
        "Restrictions",
        "Copyrighted",
        "DateTime",
    }
    assert commons_params([f"File:{n}.jpg" for n in range(50)])["titles"].count("|") == 49
    with pytest.raises(ValueError, match="50"):
        commons_params([f"File:{n}.jpg" for n in range(51)])
    with pytest.raises(ValueError):
        commons_params([])
    with pytest.raises(ValueError):
        commons_params(["File:A|B.jpg"])


def test_a_commons_file_found_with_its_licence_and_author(kb: KnowledgeBase) -> None:
    payload = _payload(_found_page("File:Name x.jpg", OWN_WORK_FIELDS))
    answers = read_commons(payload, ["File:Name x.jpg"], ASKED, kb)
    answer = answers["File:Name x.jpg"]
    assert answer.status == FOUND and answer.found
    assert (answer.service, answer.key, answer.asked_at) == (COMMONS, "File:Name x.jpg", ASKED)
    assert answer.page_url == "https://commons.wikimedia.org/wiki/File:Name_x.jpg"
    assert answer.licence == "CC-BY-SA-4.0"
    assert answer.licence_name == "CC BY-SA 4.0"
    assert answer.licence_url == "https://creativecommons.org/licenses/by-sa/4.0"
    assert answer.authors == ("Jane & Doe",)
    assert answer.author_url == "https://commons.wikimedia.org/wiki/User:Jane_Doe"
    assert answer.credit == "Own work"
    assert answer.usage_terms == "Creative Commons Attribution-Share Alike 4.0"
    assert answer.attribution_required is True
    assert answer.restrictions is None
    assert answer.posted == datetime(2014, 6, 13, 20, 52, 6, tzinfo=UTC)
    assert answer.history == () and answer.detail is None


def test_commons_answers_are_keyed_by_the_title_asked(kb: KnowledgeBase) -> None:
    # API:Imageinfo: a title given in another form is listed in query.normalized
    payload = _payload(
        _found_page("File:Name x.jpg", OWN_WORK_FIELDS),
        normalized=[{"fromencoded": False, "from": "File:name_x.jpg", "to": "File:Name x.jpg"}],
    )
    answers = read_commons(payload, ["File:name_x.jpg"], ASKED, kb)
    assert list(answers) == ["File:name_x.jpg"]
    assert answers["File:name_x.jpg"].key == "File:name_x.jpg"
    assert answers["File:name_x.jpg"].licence == "CC-BY-SA-4.0"
    with pytest.raises(ValueError, match="does not speak"):
        read_commons(payload, ["File:Other.jpg"], ASKED, kb)


def test_a_deleted_commons_file_is_missing(kb: KnowledgeBase) -> None:
    payload = _payload(
        {"ns": 6, "title": "File:Deleted.jpg", "missing": True, "known": False},
        {"ns": 6, "title": "File:Known.jpg", "missing": True, "known": True},
        {
            "title": "File:A<b>.jpg",
            "invalidreason": 'The requested page title contains invalid characters: "<".',
            "invalid": True,
        },
        {"pageid": 7, "ns": 6, "title": "File:No file.jpg", "imagerepository": ""},
        _found_page("File:Hidden.jpg", {}, filehidden=True),
        _found_page("File:Name x.jpg", OWN_WORK_FIELDS),
    )
    titles = [
        "File:Deleted.jpg",
        "File:Known.jpg",
        "File:A<b>.jpg",
        "File:No file.jpg",
        "File:Hidden.jpg",
        "File:Name x.jpg",
    ]
    answers = read_commons(payload, titles, ASKED, kb)
    statuses = {title: answer.status for title, answer in answers.items()}
    assert statuses == {**dict.fromkeys(titles[:5], MISSING), "File:Name x.jpg": FOUND}
    assert "deleted" in (answers["File:Deleted.jpg"].detail or "")
    assert "invalid characters" in (answers["File:A<b>.jpg"].detail or "")
    assert "no file" in (answers["File:No file.jpg"].detail or "")
    assert "hidden" in (answers["File:Hidden.jpg"].detail or "")
    assert answers["File:Deleted.jpg"].licence is None
    assert answers["File:Deleted.jpg"].page_url is None


@pytest.mark.parametrize(
    ("fields", "licence"),
    [
        ({"LicenseShortName": "CC BY-SA 4.0"}, "CC-BY-SA-4.0"),
        ({"LicenseShortName": "CC-BY-SA-3.0"}, "CC-BY-SA-3.0"),
        ({"LicenseShortName": "CC BY 2.0 de"}, "LicenseRef-CC-BY-2.0-DE"),
        ({"LicenseShortName": "CC BY-SA 3.0 igo"}, "CC-BY-SA-3.0-IGO"),
        # no licence of several versions in the knowledge base: the first, which Commons links to
        ({"License": "cc-by-sa-2.5,2.0,1.0"}, "CC-BY-SA-2.5"),
        ({"LicenseShortName": "Public domain"}, "LicenseRef-Public-Domain"),
        ({"LicenseShortName": "PD-US"}, "LicenseRef-Public-Domain"),
        ({"LicenseShortName": "PD-USGov-NASA"}, "LicenseRef-US-Government-Work"),
        ({"LicenseShortName": "CC0"}, "CC0-1.0"),
        (
            {"LicenseShortName": "Public domain", "UsageTerms": "Public Domain Mark 1.0"},
            "LicenseRef-Public-Domain",
        ),
        ({"LicenseShortName": "GFDL 1.2 or later"}, "GFDL-1.2-or-later"),
        ({"UsageTerms": "Creative Commons Attribution-Share Alike 3.0"}, "CC-BY-SA-3.0"),
        # the address decides before the name
        (
            {
                "LicenseShortName": "CC BY 2.0",
                "LicenseUrl": "https://creativecommons.org/licenses/by-sa/2.0/",
            },
            "CC-BY-SA-2.0",
        ),
        ({"LicenseUrl": "https://creativecommons.org/publicdomain/zero/1.0/deed.en"}, "CC0-1.0"),
        ({"LicenseUrl": "//creativecommons.org/licenses/by/4.0/"}, "CC-BY-4.0"),
        # Commons says it is not copyrighted, and names nothing better
        (
            {"LicenseShortName": "Some local template", "Copyrighted": "False"},
            "LicenseRef-Public-Domain",
        ),
        ({"LicenseShortName": "Some local template", "Copyrighted": "True"}, None),
        ({"LicenseShortName": "CC BY 9.0"}, None),
        ({}, None),
    ],
)
def test_commons_licences_map_to_the_knowledge_base(
    kb: KnowledgeBase, fields: dict[str, str], licence: str | None
) -> None:
    payload = _payload(_found_page("File:L.jpg", fields))
    answer = read_commons(payload, ["File:L.jpg"], ASKED, kb)["File:L.jpg"]
    assert answer.found
    assert answer.licence == licence
    assert answer.licence_name == fields.get("LicenseShortName")


def test_commons_html_in_every_field_is_cleaned(kb: KnowledgeBase) -> None:
    fields = {
        "Artist": (
            '<bdi><a href="https://www.wikidata.org/wiki/Q1" class="extiw">Anna &quot;A.&quot; '
            "<b>B&eacute;la</b></a>\n</bdi>"
        ),
        "Credit": "<p>From <i>The&nbsp;Book</i>, p.&#160;12<br/>scan by &lt;someone&gt;</p>",
        "UsageTerms": "<span>Public domain</span>",
        "LicenseShortName": "<span>Public domain</span>",
        "Restrictions": "trademarked|personality",
        "AttributionRequired": "false",
    }
    answer = read_commons(_payload(_found_page("File:H.jpg", fields)), ["File:H.jpg"], ASKED, kb)[
        "File:H.jpg"
    ]
    assert answer.authors == ('Anna "A." Béla',)
    assert answer.author_url == "https://www.wikidata.org/wiki/Q1"
    assert answer.credit == "From The Book, p. 12 scan by <someone>"
    assert answer.licence_name == "Public domain"
    assert answer.licence == "LicenseRef-Public-Domain"
    assert answer.restrictions == "trademarked|personality"
    assert answer.attribution_required is False
    assert answer.posted is None


def test_a_commons_error_is_raised_with_its_code(kb: KnowledgeBase) -> None:
    # Manual:Maxlag_parameter: a lagged server answers with the error "maxlag"
    payload = {
        "error": {
            "code": "maxlag",
            "info": "Waiting for 10.64.16.7: 5 seconds lagged.",
            "host": "db1",
        },
        "servedby": "mw1",
    }
    with pytest.raises(CommonsError, match="maxlag") as raised:
        read_commons(payload, ["File:A.jpg"], ASKED, kb)
    assert isinstance(raised.value, ValueError)
    assert raised.value.code == "maxlag"
    assert "5 seconds lagged" in str(raised.value)


@pytest.mark.parametrize(
    "payload",
    [
        [],
        {},
        {"query": []},
        {"query": {}},
        {"query": {"pages": {"123": {"title": "File:A.jpg"}}}},  # formatversion=1's shape
        {"query": {"pages": ["File:A.jpg"]}},
        {"query": {"pages": [{"ns": 6}]}},
        {"query": {"pages": [{"title": "File:A.jpg", "imageinfo": {"0": {}}}]}},
        {"query": {"pages": [{"title": "File:A.jpg", "imageinfo": ["x"]}]}},
        {"query": {"pages": [{"title": "File:A.jpg", "imageinfo": [{"extmetadata": "x"}]}]}},
        {
            "query": {
                "pages": [
                    {"title": "File:A.jpg", "imageinfo": [{"extmetadata": {"Artist": "bare"}}]}
                ]
            }
        },
        {
            "query": {
                "pages": [
                    {
                        "title": "File:A.jpg",
                        "imageinfo": [{"extmetadata": {"Artist": {"value": ["a"]}}}],
                    }
                ]
            }
        },
        {"query": {"normalized": {"from": "a"}, "pages": [{"title": "File:A.jpg"}]}},
        {"query": {"normalized": [{"from": 1, "to": 2}], "pages": []}},
    ],
)
def test_a_malformed_commons_answer_is_a_value_error(kb: KnowledgeBase, payload: Any) -> None:
    with pytest.raises(ValueError):
        read_commons(payload, ["File:A.jpg"], ASKED, kb)


def test_an_empty_extmetadata_is_an_empty_object(kb: KnowledgeBase) -> None:
    # API:JSON_version_2: PHP's empty array may be written []
    page = _found_page("File:E.jpg", {})
    page["imageinfo"][0]["extmetadata"] = []
    answer = read_commons(_payload(page), ["File:E.jpg"], ASKED, kb)["File:E.jpg"]
    assert answer.found and answer.licence is None and answer.authors == ()


# Flickr

# flickr.photos.licenses.getInfo, as Flickr lists them since it added the 4.0 licences (2025)
LICENCE_LIST = {
    "licenses": {
        "license": [
            {"id": 0, "name": "All Rights Reserved", "url": ""},
            {
                "id": 4,
                "name": "Attribution License",
                "url": "https://creativecommons.org/licenses/by/2.0/",
            },
            {
                "id": 5,
                "name": "Attribution-ShareAlike License",
                "url": "https://creativecommons.org/licenses/by-sa/2.0/",
            },
            {
                "id": 7,
                "name": "No known copyright restrictions",
                "url": "https://www.flickr.com/commons/usage/",
            },
            {
                "id": 8,
                "name": "United States Government Work",
                "url": "http://www.usa.gov/copyright.shtml",
            },
            {
                "id": 9,
                "name": "Public Domain Dedication (CC0)",
                "url": "https://creativecommons.org/publicdomain/zero/1.0/",
            },
            {
                "id": 10,
                "name": "Public Domain Mark",
                "url": "https://creativecommons.org/publicdomain/mark/1.0/",
            },
            {
                "id": "11",
                "name": "CC BY 4.0",
                "url": "https://creativecommons.org/licenses/by/4.0/",
            },
            {
                "id": "16",
                "name": "CC BY-NC-ND 4.0",
                "url": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
            },
        ]
    },
    "stat": "ok",
}


@pytest.fixture(scope="module")
def licences() -> FlickrLicences:
    return read_licence_list(LICENCE_LIST)


def _info(licence: str | int = "4", **photo: Any) -> dict[str, Any]:
    """flickr.photos.getInfo's answer, as its documentation shows it."""
    return {
        "photo": {
            "id": "2733",
            "secret": "123456",
            "server": "12",
            "license": licence,
            "owner": {
                "nsid": "12037949754@N01",
                "username": "Bees",
                "realname": "Cal Henderson",
                "location": "Bedford, UK",
                "path_alias": "bees",
            },
            "title": {"_content": "orford_castle_taster"},
            "visibility": {"ispublic": 1, "isfriend": 0, "isfamily": 0},
            "dates": {
                "posted": "1100897479",
                "taken": "2004-11-19 12:51:19",
                "takengranularity": "0",
                "lastupdate": "1093022469",
            },
            "urls": {
                "url": [
                    {"type": "photopage", "_content": "https://www.flickr.com/photos/bees/2733/"}
                ]
            },
            **photo,
        },
        "stat": "ok",
    }


def test_flickr_params() -> None:
    assert flickr_params("flickr.photos.getInfo", "KEY", photo_id="2733") == {
        "method": "flickr.photos.getInfo",
        "api_key": "KEY",
        "format": "json",
        "nojsoncallback": "1",
        "photo_id": "2733",
    }
    with pytest.raises(ValueError):
        flickr_params("flickr.photos.getInfo", "KEY", format="xml")


def test_the_licence_list_is_read_with_the_2025_ids(licences: FlickrLicences) -> None:
    assert licences.get(0) == ("All Rights Reserved", "")
    assert licences.get("0") == licences.get(0)
    assert licences.get(11) == ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/")
    assert licences.get("16") == (
        "CC BY-NC-ND 4.0",
        "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    )
    assert licences.get(12) is None  # not in the list given: nothing is made up
    single = read_licence_list(
        {"licenses": {"license": {"id": 3, "name": "X", "url": ""}}, "stat": "ok"}
    )
    assert single.get(3) == ("X", "")


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"stat": "ok"},
        {"licenses": {"license": [{"id": 1, "name": "x"}]}, "stat": "ok"},
        {"licenses": {"license": [{"id": "one", "name": "x", "url": ""}]}, "stat": "ok"},
        {"licenses": {"license": ["x"]}, "stat": "ok"},
        {"stat": "fail", "code": 100, "message": "Invalid API Key (Key has invalid format)"},
    ],
)
def test_a_malformed_licence_list_is_a_value_error(payload: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        read_licence_list(payload)


def test_flickr_failure() -> None:
    fail = {"stat": "fail", "code": 1, "message": 'Photo "1" not found (invalid ID)'}
    assert flickr_failure(fail) == (1, 'Photo "1" not found (invalid ID)')
    assert flickr_failure({"stat": "fail", "code": "2", "message": "Permission denied"}) == (
        2,
        "Permission denied",
    )
    assert flickr_failure({"stat": "ok"}) is None
    with pytest.raises(ValueError):
        flickr_failure({"stat": "fail", "message": "no code"})


def test_a_flickr_photo_found(kb: KnowledgeBase, licences: FlickrLicences) -> None:
    answer = read_flickr("2733", _info("4"), None, licences, ASKED, kb)
    assert answer.status == FOUND
    assert (answer.service, answer.key, answer.asked_at) == (FLICKR, "2733", ASKED)
    assert answer.licence == "CC-BY-2.0"
    assert answer.licence_name == "Attribution License"
    assert answer.licence_url == "https://creativecommons.org/licenses/by/2.0/"
    assert answer.authors == ("Cal Henderson", "Bees")  # "bees" is the same name
    aliased = _info("4", owner={"nsid": "1@N01", "username": "Bees", "path_alias": "calh"})
    assert read_flickr("2733", aliased, None, licences, ASKED, kb).authors == ("Bees", "calh")
    assert answer.author_url == "https://www.flickr.com/photos/bees/"
    assert answer.page_url == "https://www.flickr.com/photos/bees/2733/"
    assert answer.posted == datetime(2004, 11, 19, 20, 51, 19, tzinfo=UTC)
    assert answer.history == ()


def test_flickr_owner_names_are_deduplicated_and_the_nsid_is_the_fallback(
    kb: KnowledgeBase, licences: FlickrLicences
) -> None:
    info = _info(
        "4", owner={"nsid": "1@N01", "username": "jdoe", "realname": "", "path_alias": None}
    )
    del info["photo"]["urls"]
    answer = read_flickr("2733", info, None, licences, ASKED, kb)
    assert answer.authors == ("jdoe",)
    assert answer.author_url == "https://www.flickr.com/photos/1@N01/"
    assert answer.page_url == "https://www.flickr.com/photos/1@N01/2733/"
    same = _info(
        "4", owner={"nsid": "1@N01", "username": "Bees", "realname": "Bees", "path_alias": "bees"}
    )
    assert read_flickr("2733", same, None, licences, ASKED, kb).authors == ("Bees",)


@pytest.mark.parametrize(
    ("licence_id", "licence", "name"),
    [
        ("0", "LicenseRef-All-Rights-Reserved", "All Rights Reserved"),
        (5, "CC-BY-SA-2.0", "Attribution-ShareAlike License"),
        ("7", None, "No known copyright restrictions"),  # the knowledge base has no such licence
        ("8", "LicenseRef-US-Government-Work", "United States Government Work"),
        ("9", "CC0-1.0", "Public Domain Dedication (CC0)"),
        ("10", "CC-PDM-1.0", "Public Domain Mark"),
        ("11", "CC-BY-4.0", "CC BY 4.0"),
        ("16", "CC-BY-NC-ND-4.0", "CC BY-NC-ND 4.0"),
    ],
)
def test_flickr_licences_map_to_the_knowledge_base(
    kb: KnowledgeBase, licences: FlickrLicences, licence_id: str, licence: str | None, name: str
) -> None:
    answer = read_flickr("2733", _info(licence_id), None, licences, ASKED, kb)
    assert (answer.licence, answer.licence_name) == (licence, name)


def test_flickr_licences_are_named_without_their_address(kb: KnowledgeBase) -> None:
    names_only = FlickrLicences(
        {"9": ("Public Domain Dedication (CC0)", ""), "13": ("CC BY-SA 4.0", "")}
    )
    assert read_flickr("2733", _info("9"), None, names_only, ASKED, kb).licence == "CC0-1.0"
    assert read_flickr("2733", _info("13"), None, names_only, ASKED, kb).licence == "CC-BY-SA-4.0"
    unknown = read_flickr("2733", _info("99"), None, names_only, ASKED, kb)
    assert unknown.found and unknown.licence is None and "99" in (unknown.licence_said or "")


def test_a_flickr_photo_missing_or_private(kb: KnowledgeBase, licences: FlickrLicences) -> None:
    missing = {"stat": "fail", "code": 1, "message": 'Photo "1" not found (invalid ID)'}
    answer = read_flickr("1", missing, None, licences, ASKED, kb)
    assert (answer.status, answer.detail) == (MISSING, 'Photo "1" not found (invalid ID)')
    denied = {"stat": "fail", "code": 2, "message": "Permission denied"}
    assert read_flickr("1", denied, None, licences, ASKED, kb).status == PRIVATE
    hidden = _info("4", visibility={"ispublic": 0, "isfriend": 1, "isfamily": 0})
    assert read_flickr("2733", hidden, None, licences, ASKED, kb).status == PRIVATE
    with pytest.raises(ValueError, match="105"):
        read_flickr(
            "1",
            {"stat": "fail", "code": 105, "message": "Service currently unavailable"},
            None,
            licences,
            ASKED,
            kb,
        )


@pytest.mark.parametrize(
    "info",
    [
        {},
        {"stat": "ok"},
        {"photo": "x", "stat": "ok"},
        {"photo": {"id": "2733"}, "stat": "ok"},  # no licence
        {"photo": {"id": "999", "license": "4"}, "stat": "ok"},  # another photo
        {"photo": {"id": "2733", "license": "4", "owner": "bees"}, "stat": "ok"},
        {"photo": {"id": "2733", "license": "4", "dates": {"posted": "soon"}}, "stat": "ok"},
    ],
)
def test_a_malformed_flickr_answer_is_a_value_error(
    kb: KnowledgeBase, licences: FlickrLicences, info: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        read_flickr("2733", info, None, licences, ASKED, kb)


def _history(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"license_history": list(entries), "stat": "ok"}


ARR_TO_BY = {
    "date_change": 1295918034,
    "old_license": "All Rights Reserved",
    "old_license_url": "",
    "new_license": "Attribution License",
    "new_license_url": "https://creativecommons.org/licenses/by/2.0/",
}


def test_a_flickr_licence_history_with_one_change(
    kb: KnowledgeBase, licences: FlickrLicences
) -> None:
    answer = read_flickr("2733", _info("4"), _history(ARR_TO_BY), licences, ASKED, kb)
    (change,) = answer.history
    assert change == LicenceChange(
        on=datetime(2011, 1, 25, 1, 13, 54, tzinfo=UTC),
        before="LicenseRef-All-Rights-Reserved",
        after="CC-BY-2.0",
        before_name="All Rights Reserved",
        after_name="Attribution License",
    )
    # a single change may come as the object alone, its date as text
    single = {"license_history": {**ARR_TO_BY, "date_change": "1295918034"}, "stat": "ok"}
    assert read_flickr("2733", _info("4"), single, licences, ASKED, kb).history == (change,)


def test_a_flickr_licence_history_with_several_changes(
    kb: KnowledgeBase, licences: FlickrLicences
) -> None:
    later = {
        "date_change": "1735689600",  # 2025-01-01
        "old_license": "Attribution License",
        "old_license_url": "https://creativecommons.org/licenses/by/2.0/",
        "new_license": "CC BY 4.0",
        "new_license_url": "",  # named only: the licence list gives its address
    }
    same = {
        "date_change": 1400000000,
        "old_license": "Attribution License",
        "old_license_url": "https://creativecommons.org/licenses/by/2.0/",
        "new_license": "Attribution License",
        "new_license_url": "https://creativecommons.org/licenses/by/2.0/",
    }
    first = {
        "date_change": 1200000000,
        "old_license": "",
        "old_license_url": "",
        "new_license": "All Rights Reserved",
        "new_license_url": "",
    }
    # a photo's licence as set when posted may also come as an old licence alone
    as_posted = {
        "date_change": 1100000000,
        "old_license": "All Rights Reserved",
        "old_license_url": "",
        "new_license": "",
        "new_license_url": "",
    }
    answer = read_flickr(
        "2733",
        _info("11"),
        _history(later, same, ARR_TO_BY, first, as_posted),
        licences,
        ASKED,
        kb,
    )
    assert [(c.before, c.after) for c in answer.history] == [
        ("LicenseRef-All-Rights-Reserved", "CC-BY-2.0"),
        ("CC-BY-2.0", "CC-BY-4.0"),
    ]
    assert answer.history[1].on == datetime(2025, 1, 1, tzinfo=UTC)
    assert answer.history[1].after_name == "CC BY 4.0"
    assert read_flickr("2733", _info("4"), _history(), licences, ASKED, kb).history == ()


@pytest.mark.parametrize(
    "history",
    [
        {"license_history": "x", "stat": "ok"},
        {"license_history": ["x"], "stat": "ok"},
        {"license_history": [{**ARR_TO_BY, "date_change": "yesterday"}], "stat": "ok"},
        {"license_history": [{**ARR_TO_BY, "date_change": None}], "stat": "ok"},
        {"license_history": [{**ARR_TO_BY, "new_license": 4}], "stat": "ok"},
        {"license_history": []},
    ],
)
def test_a_malformed_licence_history_is_a_value_error(
    kb: KnowledgeBase, licences: FlickrLicences, history: dict[str, Any]
) -> None:
    with pytest.raises(ValueError):
        read_flickr("2733", _info("4"), history, licences, ASKED, kb)


# Changes and the licence on a day


def _found(asked: datetime, licence: str | None, name: str | None = None) -> SourceAnswer:
    return SourceAnswer(FLICKR, "2733", asked, FOUND, licence=licence, licence_name=name or licence)


MARCH = datetime(2024, 3, 1, tzinfo=UTC)
APRIL = datetime(2024, 4, 1, tzinfo=UTC)
MAY = datetime(2024, 5, 1, tzinfo=UTC)


def test_noticed_changes_between_successive_answers() -> None:
    answers = [
        _found(MAY, "CC-BY-NC-2.0"),
        SourceAnswer(FLICKR, "2733", datetime(2024, 3, 15, tzinfo=UTC), MISSING),
        _found(MARCH, "CC-BY-2.0"),
        _found(datetime(2024, 2, 1, tzinfo=UTC), "CC-BY-2.0"),
        _found(APRIL, "CC-BY-NC-2.0"),
        _found(datetime(2024, 6, 1, tzinfo=UTC), None, "Some Licence"),
        _found(datetime(2024, 7, 1, tzinfo=UTC), None, "some licence"),
    ]
    changes = noticed_changes(answers)
    assert [(c.before, c.after, c.since, c.on) for c in changes] == [
        ("CC-BY-2.0", "CC-BY-NC-2.0", MARCH, APRIL),
        ("CC-BY-NC-2.0", None, MAY, datetime(2024, 6, 1, tzinfo=UTC)),
    ]
    assert changes[1].after_name == "Some Licence"
    assert noticed_changes([_found(MARCH, "CC-BY-2.0"), _found(APRIL, "CC-BY-2.0")]) == ()
    assert noticed_changes([]) == ()


def test_merged_changes_prefer_the_sources_own_history() -> None:
    told = LicenceChange(datetime(2024, 3, 20, tzinfo=UTC), "CC-BY-2.0", "CC-BY-NC-2.0", "a", "b")
    noticed = LicenceChange(APRIL, "CC-BY-2.0", "CC-BY-NC-2.0", "a", "b", since=MARCH)
    other = LicenceChange(
        MAY, "CC-BY-NC-2.0", "LicenseRef-All-Rights-Reserved", "b", "c", since=APRIL
    )
    old = LicenceChange(datetime(2020, 1, 1, tzinfo=UTC), "CC0-1.0", "CC-BY-2.0", "z", "a")
    assert merged_changes([told, old], [other, noticed]) == (old, told, other)
    # the source's change came after what we noticed: both are kept
    late = LicenceChange(MAY, "CC-BY-2.0", "CC-BY-NC-2.0", "a", "b")
    assert merged_changes([late], [noticed]) == (noticed, late)


def test_licence_on_a_day_before_after_and_between_changes() -> None:
    answer = _found(ASKED, "CC-BY-4.0", "CC BY 4.0")
    assert licence_on(answer, [], date(2000, 1, 1)).licence == "CC-BY-4.0"
    assert licence_on(answer, [], date(2000, 1, 1)).certain
    assert licence_on(answer, [], date(2000, 1, 1)).change is None
    told = LicenceChange(
        datetime(2011, 1, 25, 1, 13, 54, tzinfo=UTC),
        "LicenseRef-All-Rights-Reserved",
        "CC-BY-2.0",
        "All Rights Reserved",
        "Attribution License",
    )
    noticed = LicenceChange(
        APRIL, "CC-BY-2.0", "CC-BY-4.0", "Attribution License", "CC BY 4.0", since=MARCH
    )
    changes = [noticed, told]

    before = licence_on(answer, changes, date(2010, 6, 1))
    assert (before.licence, before.name, before.certain, before.change) == (
        "LicenseRef-All-Rights-Reserved",
        "All Rights Reserved",
        True,
        told,
    )
    middle = licence_on(answer, changes, date(2015, 6, 1))
    assert (middle.licence, middle.certain, middle.change) == ("CC-BY-2.0", True, told)
    between = licence_on(answer, changes, date(2024, 3, 15))
    assert (between.licence, between.certain, between.change) == ("CC-BY-2.0", False, noticed)
    after = licence_on(answer, changes, date(2024, 6, 1))
    assert (after.licence, after.name, after.certain, after.change) == (
        "CC-BY-4.0",
        "CC BY 4.0",
        True,
        noticed,
    )
    # on the day of a change, either licence may have held
    same_day = licence_on(answer, changes, date(2011, 1, 25))
    assert (same_day.licence, same_day.certain) == ("LicenseRef-All-Rights-Reserved", False)
    assert licence_on(answer, changes, date(2011, 1, 26)).certain


def test_the_day_of_the_last_answer_with_the_old_licence_is_certain() -> None:
    answer = _found(ASKED, "CC-BY-4.0", "CC BY 4.0")
    noticed = LicenceChange(
        APRIL, "CC-BY-2.0", "CC-BY-4.0", "Attribution License", "CC BY 4.0", since=MARCH
    )
    # a page first shown on the day an answer still showed the old licence
    that_day = licence_on(answer, [noticed], MARCH.date())
    assert (that_day.licence, that_day.certain) == ("CC-BY-2.0", True)


def test_a_change_is_noticed_in_what_the_source_said_not_in_our_reading_of_it() -> None:
    # the knowledge base learnt the name between two answers: the source said the same
    unknown_then = SourceAnswer(
        FLICKR, "2733", MARCH, FOUND, licence=None, licence_name="CC BY 4.0"
    )
    known_now = SourceAnswer(
        FLICKR, "2733", APRIL, FOUND, licence="CC-BY-4.0", licence_name="CC BY 4.0"
    )
    assert noticed_changes([unknown_then, known_now]) == ()
