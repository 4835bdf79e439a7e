"""The corrected attribution line the editors' page shows and copies as text: for a
finding whose fix gives the line in HTML only (licence-not-linked), the text keeps the
links' addresses, or the line would not fix what the finding is about."""

from __future__ import annotations

from pathlib import Path

from attribution.licences import default_knowledge_base
from attribution.pipeline import check_html
from attribution.records import Credit, ExtractedImage, Profile
from attribution.rules import check_image
from attribution.web.pages import _finding_view

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "seed-article.html"
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"


def test_the_text_line_of_an_unlinked_licence_keeps_the_licence_address() -> None:
    html = EXAMPLE.read_bytes()
    page = check_html(html, "https://www.news.example/2023/09/13/kim-putin/", Profile())
    found = [f for image in page.images for f in image.findings if f.rule == "licence-not-linked"]
    assert len(found) == 1
    view = _finding_view(found[0])
    assert view["line_html"] is not None and f'href="{CC_BY_4}"' in view["line_html"]
    assert view["line_text"] == (
        "Photo: President of Russia (https://commons.wikimedia.org/wiki/"
        "File:Xi_Jinping_and_Vladimir_Putin_at_the_Kremlin_(2023).jpg) / Wikimedia Commons, "
        f"CC BY 4.0 ({CC_BY_4})"
    )


def test_a_line_without_a_source_link_says_where_it_goes_and_unescapes_once() -> None:
    text = "Jane &amp; Joe Doe (CC BY 4.0)"
    image = ExtractedImage(src="https://n.example.com/a.jpg", credit=text)
    credit = Credit(
        text=text,
        creators=("Jane &amp; Joe Doe",),
        licence="CC-BY-4.0",
        kind="creative-commons",
    )
    findings = check_image(image, credit, Profile(), default_knowledge_base(), None)
    unlinked = next(f for f in findings if f.rule == "licence-not-linked")
    line = _finding_view(unlinked)["line_text"]
    assert line == f"Photo: Jane &amp; Joe Doe (link to the original), CC BY 4.0 ({CC_BY_4})"


def _lines(structured: tuple[tuple[str, str], ...], creator: str) -> list[dict[str, object]]:
    text = f"Photo: {creator}, CC BY-SA 2.0"
    image = ExtractedImage(src="https://n.example.com/a.jpg", credit=text, structured=structured)
    credit = Credit(text=text, creators=(creator,), licence="CC-BY-SA-2.0", kind="creative-commons")
    findings = check_image(image, credit, Profile(), default_knowledge_base(), None)
    return [_finding_view(f) for f in findings if f.fix]


def test_a_page_cannot_bend_the_line_into_markup_of_its_own() -> None:
    # The words that separate a fix's text from its HTML, then markup, in a page's values.
    bent = "https://n.example.com/lic — in HTML: <img src=x onerror=alert(1)><!--"
    for structured, creator in (
        ((("acquireLicensePage", bent),), "Jane Doe"),
        ((("acquireLicensePage", "javascript:alert(document.domain)//"),), "Jane Doe"),
        ((), "Jane — in HTML: <img src=x onerror=alert(1)> Doe"),
    ):
        views = _lines(structured, creator)
        assert views, structured
        for view in views:
            markup = str(view["line_html"] or "")
            assert "<img" not in markup and "javascript:" not in markup
            assert "<!--" not in markup
            assert " — in HTML: " not in str(view["line_text"] or "")


def test_only_the_markup_of_an_attribution_line_is_handed_over() -> None:
    from attribution.rules.attribution import FOR_EXAMPLE, corrected_attribution

    good = f'Photo: <a href="https://a.example/p">A &amp; B</a>, <a href="{CC_BY_4}" rel="license">CC BY 4.0</a>'
    assert corrected_attribution(f"Link it{FOR_EXAMPLE}{good}") == (None, good)
    for bad in (
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="https://a.example/" onclick="alert(1)">x</a>',
        "text <!-- a comment -->",
        "text <script>alert(1)</script>",
        "x <img src=x",
    ):
        assert corrected_attribution(f"Link it{FOR_EXAMPLE}{bad}") == (None, None), bad
