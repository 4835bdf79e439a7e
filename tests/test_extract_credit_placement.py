"""Where a page prints an image's credit: beside it, once for all the article's pictures,
or not at all; and where caption text ends and the credit starts."""

from __future__ import annotations

from attribution.credits import split_caption_credit
from attribution.extract import extract_page

URL = "https://news.example.com/story/"


def page(body: str) -> str:
    return f"<html><head></head><body><article>{body}</article></body></html>"


def paragraphs(count: int) -> str:
    return "".join(
        f"<p>{'Words of the story, sentence after sentence. ' * 12}</p>" for _ in range(count)
    )


def credits_of(html: str) -> list[str | None]:
    return [image.credit for image in extract_page(html, URL).images]


def test_a_video_caption_in_the_article_is_not_the_credit_of_a_later_image() -> None:
    html = page(
        "<div class='entry-content'>"
        + paragraphs(2)
        + "<div class='video'><object data='player.swf'></object><span class='caption'>Two "
        "editors discuss the speech. (Video by Jane Roe | Example Media for Example.com)</span></div>"
        + paragraphs(2)
        + "<div><div><span class='slide'><img src='/gallery/one.jpg' width=800 height=600>"
        "</span></div></div></div>"
    )
    image = extract_page(html, URL).images[0]
    assert (image.caption, image.credit) == (None, None)


def test_photos_label_at_the_end_of_the_article_credits_every_picture() -> None:
    html = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<figure><img src='/b.jpg' width=800 height=600><figcaption>The trail.</figcaption>"
        "</figure>"
        + paragraphs(1)
        + "<p><strong>Words:</strong> Ann Writer <strong>Photos:</strong> Jane Doe</p>"
    )
    assert credits_of(html) == ["Jane Doe", "Jane Doe"]


def test_a_bracketed_list_of_image_credits_credits_every_picture() -> None:
    html = page(
        "<img src='/a.jpg' width=800 height=600><img src='/b.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<p><small>(Image credits: <a href='/x'>Example Shop</a>; Jane Doe; John Roe)</small></p>"
    )
    credits = credits_of(html)
    assert len(credits) == 2 and credits[0] == credits[1]
    assert credits[0] is not None and "Jane Doe; John Roe" in credits[0]


def test_images_by_after_a_comma_in_a_closing_line_credits_every_picture() -> None:
    html = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<p><em>The whole series is on our <a href='/g'>picture page</a>, photos by "
        "<a href='https://ines.example'>Ines Park</a></em></p>"
    )
    assert credits_of(html) == ["Ines Park"]


def test_a_german_bildcredit_line_credits_the_picture() -> None:
    html = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<hr><div><p>Bildcredit: (c) mlang - bilderdienst.example</p></div>"
    )
    credits = credits_of(html)
    assert credits[0] is not None and "mlang - bilderdienst.example" in credits[0]


def test_a_picture_with_its_own_credit_keeps_it() -> None:
    html = page(
        "<figure><img src='/a.jpg' width=800 height=600><figcaption>Harbour. Photo: John Roe"
        "</figcaption></figure><img src='/b.jpg' width=800 height=600>"
        + paragraphs(1)
        + "<p>Photos: Jane Doe</p>"
    )
    assert credits_of(html) == ["John Roe", "Jane Doe"]


def test_no_blanket_credit_from_headlines_sidebars_or_several_lines() -> None:
    headline = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(3)
        + "<p>Photos: the best of the year</p>"
    )
    assert credits_of(headline) == [None]
    sidebar = (
        "<html><body><article><img src='/a.jpg' width=800 height=600>"
        + paragraphs(1)
        + "</article><aside><p>Photos: Jane Doe</p></aside></body></html>"
    )
    assert credits_of(sidebar) == [None]
    several = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(3)
        + "<p>Photos: Jane Doe</p>"
        + paragraphs(1)
        + "<p>Photos: John Roe</p>"
    )
    assert credits_of(several) == [None]
    sentence = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(3)
        + "<p>"
        + "Long text. " * 30
        + "Photos: Jane Doe</p>"
    )
    assert credits_of(sentence) == [None]


def test_a_figure_inside_a_figure_takes_the_outer_figures_caption() -> None:
    html = page(
        "<figure><figure class='frame'><img src='/a.jpg' width=960 height=640></figure>"
        "<figcaption>. Imagen: Agencia Ejemplo</figcaption></figure>" + paragraphs(3)
    )
    assert credits_of(html) == ["Agencia Ejemplo"]


def test_an_empty_enlargement_frame_is_not_a_second_picture() -> None:
    html = page(
        paragraphs(3)
        + "<div class='img-left'><div><a class='zoom'><img src='/a.jpg' alt='Rocket'></a>"
        "<div class='popup'><img id='big' src=''></div></div>"
        "<div><div>A drawing of the lander on the ice.<br><span>Credit: Example Agency</span>"
        "<div><a class='zoom'>View larger</a></div></div></div></div>" + paragraphs(2)
    )
    assert credits_of(html) == ["Example Agency"]


def test_a_name_in_brackets_after_the_last_sentence_is_the_credit() -> None:
    assert split_caption_credit("Prices are expected to rise next year. (Jane Doe)") == (
        "Prices are expected to rise next year.",
        "Jane Doe",
    )
    assert split_caption_credit("The team at work. (left to right)")[1] is None
    assert split_caption_credit("The minister arrives in Ottawa (Jane Doe)")[1] is None


def test_a_caption_inside_the_credit_element_is_the_caption() -> None:
    html = page(
        "<figure><img src='/a.jpg' width=800 height=600><figcaption><div class='copyright'>"
        "Bild: stockexample<span class='photo-description'>Ein Gericht am Morgen</span>"
        "</div></figcaption></figure>" + paragraphs(3)
    )
    image = extract_page(html, URL).images[0]
    assert (image.caption, image.credit) == ("Ein Gericht am Morgen", "stockexample")


def test_a_credit_followed_by_a_byline_or_a_headline_link_is_no_blanket_credit() -> None:
    byline = page(
        "<figure><img src='/a.jpg' width=800 height=600></figure>"
        "<div class='meta'><p>The senator. | Jane Doe/Example Images</p>"
        "<p>By <a href='/staff/ann'>ANN WRITER</a></p></div>" + paragraphs(3)
    )
    assert credits_of(byline)[0] != "ANN WRITER"
    headline = page(
        "<img src='/a.jpg' width=800 height=600>"
        + paragraphs(3)
        + "<div class='pager'><a href='/prev'>Previous Article Photos: See the progress on "
        "the new subway line</a></div>"
    )
    assert credits_of(headline) == [None]


def test_captions_of_the_article_text_are_not_shared_by_its_pictures() -> None:
    html = page(
        "<div class='story-body'>"
        + paragraphs(2)
        + "<figure><img src='/a.jpg' width=800 height=600><figcaption>Burials. "
        "<span class='caption-credit'>Example Agency</span></figcaption></figure>"
        + paragraphs(1)
        + "<figure class='no-caption'><span><div class='js-delayed-image-load' data-alt='Map' "
        "data-src='https://cdn.example.com/map.png' data-width='3333' data-height='2583'>"
        "</div></span></figure>"
        + paragraphs(1)
        + "<figure><img src='/c.jpg' width=800 height=600><figcaption>Mourners. "
        "<span class='caption-credit'>Example Agency</span></figcaption></figure>"
        + "<div class='media-caption'>Drone footage of the burials</div></div>"
    )
    images = extract_page(html, URL).images
    assert [(i.caption, i.credit) for i in images] == [
        ("Burials.", "Example Agency"),
        (None, None),
        ("Mourners.", "Example Agency"),
    ]


def caption_and_credit(figure: str) -> tuple[str | None, str | None]:
    image = extract_page(page(figure + paragraphs(3)), URL).images[0]
    return image.caption, image.credit


def test_a_tags_line_after_the_credit_is_not_part_of_it() -> None:
    assert caption_and_credit(
        "<figure><img src='/a.jpg' width=400 height=600><figcaption><p>Ann, editor</p>"
        "<p class='copyright'>&copy; Jane Doe<br>Themen: <a href='/t/w'>Winter</a>, "
        "<a href='/t/p'>Wool</a></p></figcaption></figure>"
    ) == ("Ann, editor", "© Jane Doe")


def test_a_slide_counter_is_not_part_of_the_caption() -> None:
    assert caption_and_credit(
        "<figure><img src='/a.jpg' width=400 height=600><figcaption><span>The minister "
        "meets the director &mdash; &copy; Jane Doe/examplephoto.net</span>"
        "<span class='gallery__pagination'>--pageNumber-- von --total--</span>"
        "<ul class='toolbar'><li class='count'>1 <span>/ 8</span></li></ul>"
        "</figcaption></figure>"
    ) == ("The minister meets the director", "© Jane Doe/examplephoto.net")


def test_a_credit_classed_element_marked_as_caption_data_is_the_credit() -> None:
    assert caption_and_credit(
        "<figure itemscope><img src='/a.jpg' width=800 height=600>"
        "<span class='copyright' itemprop='caption'>© Jane Doe</span>"
        "<figcaption class='caption' itemprop='caption'>The vulture in flight.</figcaption>"
        "</figure>"
    ) == ("The vulture in flight.", "© Jane Doe")


def test_a_wrapper_opening_with_the_credit_element_is_not_the_credit() -> None:
    assert caption_and_credit(
        "<figure><img src='/a.jpg' width=800 height=600><figcaption><div>"
        "<div class='image-copyright'>© janedoe / stock.example.com</div>"
        "<div class='image-text'>Tablets and capsules</div></div></figcaption></figure>"
    ) == ("Tablets and capsules", "© janedoe / stock.example.com")


def test_beside_a_credit_element_a_caption_that_reads_like_a_credit_stays_a_caption() -> None:
    assert caption_and_credit(
        "<figure><img src='/a.jpg' width=800 height=600><figcaption>Fähre Kiel/Oslo "
        "<span class='copy'>© Example Reederei GmbH</span></figcaption></figure>"
    ) == ("Fähre Kiel/Oslo", "© Example Reederei GmbH")


def test_a_providers_name_in_capitals_after_a_bar_is_the_credit() -> None:
    assert split_caption_credit("Crews clear the road after the mudslide | REUTERS") == (
        "Crews clear the road after the mudslide",
        "REUTERS",
    )
    assert split_caption_credit("Workers strike in Lima | photo 2 of 5")[1] is None
    # Capitals the provider table does not know: a section or a place, no credit.
    for caption in ("Fans celebrate the victory | GOAL", "Stars on the red carpet | NEW YORK"):
        assert split_caption_credit(caption) == (caption, None)


def test_initials_in_square_brackets_end_a_caption_as_its_credit() -> None:
    assert split_caption_credit("Mia and her sister on the ferry deck [KTP]") == (
        "Mia and her sister on the ferry deck",
        "KTP",
    )
    # Tags of the story, not a credit.
    for caption in (
        "Ministers meet in Brussels [VIDEO]",
        "Ministers meet in Brussels [UPDATED]",
        "The storm's path [MAP]",
        "Mia on the deck [NEW]",
    ):
        assert split_caption_credit(caption) == (caption, None)


def test_a_short_form_in_brackets_that_the_words_before_spell_out_is_no_credit() -> None:
    caption = "Delegates at the summit of the World Health Organization (WHO)"
    assert split_caption_credit(caption) == (caption, None)
    assert split_caption_credit("Crowds in Paris. (AFP)") == ("Crowds in Paris.", "AFP")


def test_a_credit_in_an_element_of_its_own_does_not_take_words_of_the_caption() -> None:
    assert caption_and_credit(
        "<figure><div><img src='/a.jpg' width=800 height=600><figcaption>A keeper feeds "
        "the two Tiger Cubs</figcaption></div><span class='description'>Ines Park/Getty Images"
        "</span></figure>"
    ) == ("A keeper feeds the two Tiger Cubs", "Ines Park/Getty Images")


def test_a_camera_icon_in_the_caption_is_not_a_second_picture() -> None:
    assert caption_and_credit(
        "<div class='wp-caption'><a href='/big.jpg'><img src='/a-660x440.jpg' width=660 "
        "height=440></a><p class='wp-caption-text'>Shiny butterflies are prized for their "
        "blue. <img class='photo' src='/theme/camera-icon.png'> Jane Doe/Example Images</p>"
        "</div>"
    ) == ("Shiny butterflies are prized for their blue.", "Jane Doe/Example Images")


def test_a_person_and_a_publication_in_brackets_end_a_caption_as_its_credit() -> None:
    assert split_caption_credit("A senator speaks on Monday (Jane Doe/The Example Ledger)") == (
        "A senator speaks on Monday",
        "Jane Doe/The Example Ledger",
    )


def test_small_print_right_under_a_picture_is_its_caption() -> None:
    html = page(
        "<p>06.48 The search goes on through the night.</p>"
        "<p><img src='/archive/airport-pray_3151363c.jpg' width=460 height=287>\n "
        "<sup>Relatives of the passengers pray at the airport in Surabaya (EPA)</sup></p>"
        "<p><img src='/archive/harbour-divers_3151362c.jpg' width=460 height=287>"
        "<sub>Navy divers inspect their gear on arrival (AP)</sub></p>"
    )
    images = extract_page(html, URL).images
    assert [(image.caption, image.credit) for image in images] == [
        ("Relatives of the passengers pray at the airport in Surabaya", "EPA"),
        ("Navy divers inspect their gear on arrival", "AP"),
    ]


def test_a_sentence_after_a_picture_in_plain_text_is_not_its_caption() -> None:
    html = page(
        "<p>The search goes on.</p><p><img src='/archive/airport_3151363c.jpg' width=460 "
        "height=287></p><p>Relatives waited at the airport all night (EPA said).</p>"
    )
    image = extract_page(html, URL).images[0]
    assert (image.caption, image.credit) == (None, None)


def test_a_credit_line_in_the_paragraph_a_picture_opens_is_its_credit() -> None:
    html = page(
        "<p>A story about old motorcycles and the people who rode them.</p>"
        "<p class='small'><img src='/blogs/feed/mcqueen-motorcycle.jpg' width=635 height=450>"
        "Photo: Silver Screen Collection/Getty Images</p>"
        "<p><img src='/blogs/feed/garage.jpg' width=635 height=450>The garage, where he "
        "kept them all, is a museum now.</p>"
    )
    assert credits_of(html) == ["Silver Screen Collection/Getty Images", None]


def test_a_credit_after_an_icon_at_the_end_of_a_caption_is_split_from_it() -> None:
    from attribution.extract import extract_page

    def figure(caption: str) -> str:
        return (
            "<html><body><article><p>Text.</p><div class='wp-caption'>"
            "<img src='/wp-content/uploads/2024/05/scales.jpg' width=600 height=400>"
            f"<p class='wp-caption-text'>{caption}</p></div></article></body></html>"
        )

    icon = "<img class='photo' src='/static/camera@2x.png' alt=''>"
    image = extract_page(figure(f"A wing scale, enlarged.{icon} From Okafor et al. 2014"), URL)
    assert (image.images[0].caption, image.images[0].credit) == (
        "A wing scale, enlarged.",
        "From Okafor et al. 2014",
    )
    # An icon that opens the caption marks no credit: the caption is the caption.
    image = extract_page(figure(f"{icon} A wing scale, enlarged, as seen in the lab."), URL)
    assert (image.images[0].caption, image.images[0].credit) == (
        "A wing scale, enlarged, as seen in the lab.",
        None,
    )


def test_the_owner_named_in_a_caption_is_the_credit() -> None:
    from attribution.extract import extract_page

    # A caption that only names the picture's owner: a credit, not a caption.
    html = (
        "<html><body><article><p>Text.</p><figure><img src='/m/wordmark.jpg' alt='Examplr'>"
        "<figcaption class='mntl-figure-caption figure-article-caption'>"
        "<span class='figure-article-caption-owner'><p>Examplr</p></span>"
        "</figcaption></figure></article></body></html>"
    )
    image = extract_page(html, URL).images[0]
    assert (image.caption, image.credit) == (None, "Examplr")


def test_credits_listed_by_picture_number_at_the_end_go_to_those_pictures() -> None:
    from attribution.extract import extract_page

    def page(lines: str) -> str:
        return (
            "<html><body><article><p>Text.</p><img src='/m/header.jpg' alt=''>"
            "<p>More text.</p><figure><img src='/m/run.jpg'><figcaption>A run.</figcaption>"
            "</figure><p><img src='/m/speaker.jpg' alt=''></p><p>The end.</p>"
            f"{lines}</article></body></html>"
        )

    listed = page(
        "<h6>Bild2: ©Jon Weir <a href='https://creativecommons.org/licenses/by/2.0/'>"
        "bestimmte Rechte vorbehalten</a>. Quelle: Examplr</h6>"
        "<h6>Bild 3: © Mila Sander</h6>"
    )
    images = extract_page(listed, URL).images
    assert [(image.caption, image.credit) for image in images] == [
        (None, None),  # the header, picture 1, is not listed
        ("A run.", "©Jon Weir bestimmte Rechte vorbehalten. Quelle: Examplr"),
        (None, "© Mila Sander"),
    ]
    assert images[1].credit_links == ("https://creativecommons.org/licenses/by/2.0/",)
    # One numbered line is no list: it may be anything's.
    alone = extract_page(page("<p>Foto 3: Mila Sander</p>"), URL).images
    assert [image.credit for image in alone] == [None, None, None]
