"""How publishers mark up site chrome (and what only looks like it): one minimal page for
each rule of ``attribution.extract.chrome``."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from attribution.extract import extract_page
from attribution.extract.tree import index_page

URL = "https://news.example.com/2024/05/harbour-opens"
BODY = "<p>" + "The harbour opened on Monday after three years of work. " * 14 + "</p>"


def srcs(html: str, url: str = URL) -> list[str]:
    return [image.src for image in extract_page(html, url).images if image.origin != "og:image"]


def test_a_popup_dialog_is_chrome_but_a_lightbox_dialog_is_not() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<figure><img src='/p/quay.jpg'>"
        "<figcaption>The quay. Photo: Jane Roe</figcaption></figure></article>"
        "<div class='overlay' role='dialog' aria-hidden='true'><figure>"
        "<img src='/p/support-us.jpg'><figcaption>Support our journalism</figcaption></figure>"
        "</div>"
        "<div class='box' aria-modal='true'><img src='/p/newsletter.jpg'></div>"
        "<dialog><img src='/p/offer.jpg' width=600 height=400></dialog>"
        "<div class='gallery-lightbox' role='dialog'><figure><img src='/p/boats.jpg'>"
        "<figcaption>Boats</figcaption></figure></div>"
        "</body></html>"
    )
    assert srcs(html) == [
        "https://news.example.com/p/quay.jpg",
        "https://news.example.com/p/boats.jpg",
    ]


def test_the_next_articles_of_an_endless_page_are_chrome() -> None:
    def story(n: int) -> str:
        return (
            f"<article class='story story-{n}'><h1>Story {n}</h1>"
            f"<figure><img src='/p/story-{n}.jpg'><figcaption>Picture {n}. Photo: A. Bee"
            f"</figcaption></figure><div class='article-body'>{BODY}"
            f"<img src='/p/body-{n}.jpg'></div></article>"
        )

    html = f"<html><body><main>{story(1)}{story(2)}{story(3)}</main></body></html>"
    assert srcs(html) == [
        "https://news.example.com/p/story-1.jpg",
        "https://news.example.com/p/body-1.jpg",
    ]


def test_the_next_articles_count_even_when_a_later_one_is_the_longest() -> None:
    first = "<article><h1>First</h1><img src='/p/one.jpg'>" + BODY + "</article>"
    second = "<article><h1>Second</h1><img src='/p/two.jpg'>" + BODY * 3 + "</article>"
    html = f"<html><body><div class='feed'>{first}{second}</div></body></html>"
    assert srcs(html) == ["https://news.example.com/p/one.jpg"]


def test_one_article_holding_its_parts_is_not_an_endless_page() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1><img src='/p/one.jpg'>" + BODY + ""
        "<article class='part'><h2>Part two</h2><img src='/p/two.jpg'>" + BODY + "</article>"
        "</article></body></html>"
    )
    assert srcs(html) == [
        "https://news.example.com/p/one.jpg",
        "https://news.example.com/p/two.jpg",
    ]


def test_a_tracking_class_on_a_wrapper_is_an_analytics_hook() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<section class='gallery-block "
        "js-tracking--imageGallery'><img src='/p/a.jpg'><img src='/p/b.jpg'></section>"
        "<img src='/p/pixel.gif' class='tracking-pixel'></article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/a.jpg", "https://news.example.com/p/b.jpg"]


def test_thumbnails_linking_to_a_view_of_this_page_are_content() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<div class='inline-gallery'>"
        "<a href='/2024/05/harbour-opens?img=1'><img src='/p/a_w150.jpg' alt=''></a>"
        "<a href='/2024/05/harbour-opens?img=2'><img src='/p/b_w150.jpg' alt=''></a></div>"
        "<a href='/2024/05/other-story'><img src='/p/other.jpg' alt=''></a>"
        "</article></body></html>"
    )
    assert srcs(html) == [
        "https://news.example.com/p/a_w150.jpg",
        "https://news.example.com/p/b_w150.jpg",
    ]


def test_links_with_a_query_are_other_pages_where_the_page_has_one() -> None:
    url = "https://news.example.com/index.php?id=12"
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<a href='/index.php?id=13'>"
        "<img src='/p/other.jpg' alt=''></a></article></body></html>"
    )
    assert srcs(html, url) == []


def test_a_default_display_class_is_not_a_placeholder() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<p><img class='media-element "
        "file-default' src='/files/worm-box_0.jpg' alt='Worm box' width=480 height=320></p>"
        "<img src='/files/default.png'><img src='/files/blank.gif' width=400 height=300>"
        "</article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/files/worm-box_0.jpg"]


def test_the_main_part_of_a_layout_with_a_sidebar_is_not_the_sidebar() -> None:
    html = (
        "<html><body><div class='layout-sidebar'><div class='sidebar__body'><main>"
        "<h1>Harbour</h1>" + BODY + "<figure><img src='/p/quay.jpg'></figure></main></div>"
        "<div class='sidebar__column'><figure><img src='/p/promo.jpg'></figure></div>"
        "</div></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_a_card_with_a_link_laid_over_it_is_a_teaser() -> None:
    card = (
        "<li><article class='item'><div class='text'><h3>Ferry strike ends</h3></div>"
        "<figure><img src='/p/ferry.jpg' alt='Ferry strike ends'></figure>"
        "<a class='cover' href='/2024/05/ferry-strike-ends'></a></article></li>"
    )
    html = (
        "<html><body><article class='main'><h1>Harbour</h1>" + BODY + "<figure>"
        "<img src='/p/quay.jpg'><figcaption>The quay</figcaption></figure></article>"
        f"<div class='latest'><ul>{card}</ul></div></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_a_card_headed_by_an_h1_is_a_teaser() -> None:
    card = (
        "<article class='item'><a href='/2024/05/ferry-strike-ends'><figure>"
        "<img src='/p/ferry.jpg'></figure></a><h1><a href='/2024/05/ferry-strike-ends'>"
        "Ferry strike ends</a></h1></article>"
    )
    html = (
        f"<html><body><div class='menu-drawer'><h1>Latest</h1>{card}</div>"
        "<article class='main'><h1>Harbour</h1>" + BODY + "<figure><img src='/p/quay.jpg'>"
        "<figcaption>The quay</figcaption></figure></article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_a_short_article_of_its_own_is_not_a_card() -> None:
    html = (
        "<html><body><article><h1><a href='/2024/05/harbour-opens'>Harbour</a></h1>"
        "<figure><img src='/p/quay.jpg'></figure><p>It opened.</p>"
        "<a href='/2024/05/'></a></article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]
    shared = (
        "<html><body><article><h1>Harbour</h1><figure><img src='/p/quay.jpg'></figure>"
        "<p>It opened.</p><div class='tools'><a href='https://social.example/share'><svg>"
        "</svg></a></div></article></body></html>"
    )
    assert srcs(shared) == ["https://news.example.com/p/quay.jpg"]


def test_a_block_classed_as_a_card_with_a_headline_link_is_a_teaser() -> None:
    card = (
        "<div class='inline-card'><div class='inline-card__picture'><span>"
        "<picture><img src='/p/hotels.jpg' alt='Hotels'></picture></span></div>"
        "<div class='inline-card__text'><div class='inline-card__headline'>"
        "<a href='/2024/04/hotels-by-the-sea'>Hotels by the sea</a></div></div></div>"
    )
    ghost = (
        "<figure class='kg-card kg-image-card kg-card-hascaption'><img src='/p/crane.jpg'>"
        "<figcaption>Photo by <a href='https://photos.example.org/@ann'>Ann Example</a>"
        "</figcaption></figure><figure class='kg-card kg-image-card'>"
        "<img src='/p/dock.jpg'></figure>"
    )
    html = (
        "<html><body><article><h1>Harbour</h1><div class='article-body'>" + BODY + card + ghost
    ) + "</div></article></body></html>"
    assert srcs(html) == [
        "https://news.example.com/p/crane.jpg",
        "https://news.example.com/p/dock.jpg",
    ]


def test_an_ad_label_further_on_in_the_article_body_is_not_the_images() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1><div class='entry-content'>" + BODY + ""
        "<div class='code-block'><span>Advertisement</span><img src='/ads/unit.jpg'></div>"
        "<p>" + "More of the story. " * 20 + "<img src='/p/quay.jpg' alt=''></p>"
        "</div></article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_a_layout_with_a_sidebar_is_not_the_sidebar() -> None:
    html = (
        "<html><body><main><h1>Harbour</h1><div class='layout-sidebar'><div class='story'>"
        + BODY
        + "<figure><img src='/p/quay.jpg'></figure></div><div class='side'>"
        "<div class='sidebar'><img src='/p/promo.jpg'></div></div></div></main></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_ad_in_a_file_name_is_not_an_advert() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<figure>"
        "<img src='/p/3-harbour-ad-hoc-crew.jpg'><figcaption>The quay</figcaption></figure>"
        "<div class='ad'><img src='/p/sponsor.jpg'></div></article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/3-harbour-ad-hoc-crew.jpg"]


def test_share_widgets_author_boxes_and_placeholders_are_chrome() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1><div class='article-body'>"
        "<div class='sharebuttons sharebuttons-compact'><ul><li><a href='#'>"
        "<img src='/img/widgets/pinit_s.png' alt='Pin it'></a></li></ul></div>"
        "<div class='caja-autores'><img src='/media/autores/ana-perez.jpg'></div>"
        "<img src='/media/autores/juan.jpg'>"
        "<img src='/static/img/preload.gif'><img src='/static/img/spinner.gif'>"
        "<img src='/static/img/x-btn.png'>"
        + BODY
        + "<figure><img src='/p/close-up-of-the-quay.jpg'><figcaption>The quay</figcaption>"
        "</figure></div></article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/close-up-of-the-quay.jpg"]


def test_an_icon_size_asked_of_a_resizer_is_tiny() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<div class='byline'>"
        "<a href='/author/ed'><img src='/resizer/abc=/40x40/smart/authors/ed.jpg'></a></div>"
        "<img src='/resizer/abc=/40x40/smart/team/ed.jpg' alt='Ed'>"
        "<img src='/uploads/2024/05/quay-48x48.jpg'>"
        "<figure><img src='/resizer/def=/580x326/smart/p/quay.jpg'></figure>"
        "<div class='gallery'><img src='/uploads/2024/05/boat-60x60.jpg'></div>"
        "</article></body></html>"
    )
    assert srcs(html) == [
        "https://news.example.com/resizer/def=/580x326/smart/p/quay.jpg",
        "https://news.example.com/uploads/2024/05/boat-60x60.jpg",
    ]


def test_an_aspect_ratio_in_an_address_is_not_a_size() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<figure>"
        "<img src='/media/31/crop/16x9/1280.jpg'></figure><figure><img src='/media/58/crop/1x1/640.jpg'>"
        "</figure></article></body></html>"
    )
    assert srcs(html) == [
        "https://news.example.com/media/31/crop/16x9/1280.jpg",
        "https://news.example.com/media/58/crop/1x1/640.jpg",
    ]


def test_a_blog_posts_own_classes_name_its_terms_not_chrome() -> None:
    html = (
        "<html><body><section class='post-12 post type-post status-publish hentry "
        "category-news tag-social-media autor-jane-roe'><h1>Harbour</h1>" + BODY + ""
        "<div class='wp-caption'><img src='/p/quay.jpg'><p class='wp-caption-text'>The quay"
        "</p></div><div class='autor-box'><img src='/p/jane.jpg'></div></section></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_chrome_words_inside_compound_class_words() -> None:
    html = (
        "<html><body><article><h1>Harbour</h1><div class='article-body'>" + BODY + ""
        "<div class='donation-total'><figure><img src='/p/moor.jpg'></figure>"
        "<p>Give now</p></div><a class='teaser-link' href='/2024/05/birds'><figure>"
        "<img src='/p/bird.jpg'></figure><p>Birds are back</p></a>"
        "<div class='donationbox'><img src='/p/help.jpg'></div>"
        "<div class='sharedaddy'><img src='/p/share-pin.png'></div>"
        "<figure><img src='/p/quay.jpg'><figcaption>The quay</figcaption></figure>"
        "</div></article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_a_card_headed_by_a_link_classed_as_a_title_is_a_teaser() -> None:
    card = (
        "<li class='stream'><div class='stream__photo'><img src='/p/race.jpg' width=243 "
        "height=140></div><span class='stream__title h4'><a href='/2024/05/race-report'>"
        "Race report: the final heat</a></span></li>"
    )
    html = (
        "<html><body><main><h1>Harbour</h1>" + BODY + f"<ul class='streams'>{card}</ul>"
        "<p><img src='/p/quay.jpg' width=800 height=500> The full report is on "
        "<a href='https://ministry.example.org/report'>the ministry's own site</a>.</p>"
        "</main></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_a_link_preview_laid_over_a_titled_block_is_a_teaser() -> None:
    preview = (
        "<div class='embed-box'><a class='embed-box-link' href='/post/older-story/' "
        "title='Older story'></a><div class='embed-box-image'><img src='/p/older.jpg' "
        "width=150 height=100></div><div class='embed-box-text'><div class='embed-box-title'>"
        "Older story</div><div class='embed-box-summary'>What happened before.</div></div></div>"
    )
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + preview + "<figure>"
        "<img src='/p/quay.jpg'><figcaption>The quay</figcaption></figure></article></body>"
        "</html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_the_first_elements_of_an_indexed_element() -> None:
    soup = BeautifulSoup("<div><p><b>1</b></p><i>2</i><u>3</u></div><s>4</s>", "html.parser")
    index = index_page(soup)
    div = soup.find("div")
    assert isinstance(div, Tag)
    assert [t.name for t in index.first_elements(div, 2)] == ["p", "b"]
    assert [t.name for t in index.first_elements(div, 10)] == ["p", "b", "i", "u"]
    assert [t.name for t in index.first_elements(div, 0)] == []


def test_a_photo_sent_through_a_messenger_keeps_its_name_and_is_content() -> None:
    # A messenger's name for a photo, as a publishing system slugs it ("%20" to "-20"),
    # is no share icon; the messenger's icon beside the article still is.
    html = (
        "<html><body><article><h1>Court reform</h1><p>The march went on all day.</p>"
        "<figure><img src='https://images.example.com/2022-05/514722-whatsapp-20image-"
        "202022-05-03-20at-208-25-36-20pm.jpeg'><figcaption>Imagen: Télam</figcaption>"
        "</figure><figure><img src='/media/WhatsApp%20Image%202023-01-09%20at%2010.21.07"
        ".jpeg'><figcaption>The crowd. Photo: I. Reporter</figcaption></figure>"
        "<p><a href='https://wa.me/?text=story'><img src='/static/whatsapp.png'></a></p>"
        "</article></body></html>"
    )
    images = extract_page(html, "https://news.example.com/story/")
    assert [image.credit for image in images.images] == ["Télam", "I. Reporter"]


def test_a_shareable_picture_is_content_but_a_share_bar_is_chrome() -> None:
    # "shareable" marks a picture readers may share (it carries the buttons); the bar of
    # buttons itself, and its icons, are the share widget.
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<div class='photo js-shareable-root'>"
        "<div class='jss-shareable content'><img src='/p/quay.jpg' alt='The quay'></div>"
        "<div class='media-meta'><div class='sharebar'><a href='/share?fb'>Share</a></div>"
        "<h6 class='caption'><span class='credit'>Credit: Jane Roe/Harbour Board</span></h6>"
        "</div></div><div class='sharebar'><img src='/p/pin-button.png' width=120></div>"
        "</article></body></html>"
    )
    images = [i for i in extract_page(html, URL).images if i.origin != "og:image"]
    assert [(i.src, i.credit) for i in images] == [
        ("https://news.example.com/p/quay.jpg", "Jane Roe/Harbour Board")
    ]


def test_a_publishing_systems_own_files_are_chrome() -> None:
    # A theme's camera icon beside a gallery, a plugin's rating stars, an emoji WordPress
    # bundles: the site's files, not what editors uploaded.
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<figure>"
        "<img src='/wp-content/uploads/2024/05/quay.jpg' width=800 height=500>"
        "<figcaption><img src='/wp-content/themes/paper/assets/images/gallery-cam@2x.png' "
        "width=40 height=40> The quay. Photo: Jane Roe</figcaption></figure>"
        "<p><img src='/wp-content/plugins/wp-postratings/images/stars/rating_off.gif'> "
        "Rate this article</p><p>Great <img src='/wp-includes/images/smilies/icon_smile.gif'>"
        "</p></article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/wp-content/uploads/2024/05/quay.jpg"]


def test_a_lazy_stand_in_for_a_video_player_and_an_empty_template_picture_are_no_images() -> None:
    # A lazy loader's <img> that names the player page its frame will load, and the
    # "//:0" a template writes for a picture its script has not filled in.
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY
        + "<img class='raw-embed' data-src='https://www.youtube.com/embed/abcDEF12345' "
        "alt='Lazy loaded component' width=150 height=150>"
        "<img data-src='//player.vimeo.com/video/76979871' alt=''>"
        "<figure><div><img src='//:0' id='block-image-1'></div>"
        "<figcaption>The quay. Photo: Jane Roe</figcaption></figure>"
        "</article></body></html>"
    )  # fmt: skip
    assert srcs(html) == []


def test_a_picture_named_for_what_a_control_does_is_the_control() -> None:
    # A gallery's arrows and a popup's close button, drawn as pictures big enough to
    # pass for content: their alt text names the action.
    html = (
        "<html><body><article><h1>Harbour</h1>" + BODY + "<figure class='gallery'>"
        "<img src='/p/quay.jpg' alt='The quay'><figcaption>The quay. Photo: Jane Roe"
        "</figcaption><div class='gallery-nav'><span><img src='/assets/f_izq2.png' width=53 "
        "height=53 alt='Anterior'></span><span><img src='/assets/f_der2.png' width=53 "
        "height=53 alt='Siguiente »'></span></div></figure><figure><img src='/p/x.png' "
        "width=60 height=60 alt='Close'><figcaption>Photo: Jane Roe</figcaption></figure>"
        "</article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/p/quay.jpg"]


def test_a_link_that_opens_the_picture_in_full_is_no_teaser_whatever_its_class() -> None:
    # "teaser main zoom": the lead picture, linked to its full size for a lightbox; a
    # teaser of the same class that links to another article stays chrome.
    html = (
        "<html><body><article><h1>Harbour</h1><a class='teaser main zoom' rel='group' "
        "href='/uploads/news/ec7ccf92.jpeg' title='The quay'><img src='/pics/b_5e92.jpeg' "
        "alt='The quay' width=800 height=500></a>" + BODY + "<a class='teaser' "
        "href='/2024/05/other-story'><img src='/pics/other.jpeg' width=300 height=200></a>"
        "</article></body></html>"
    )
    assert srcs(html) == ["https://news.example.com/pics/b_5e92.jpeg"]


def test_copies_of_a_picture_that_open_one_full_size_file_are_one_picture() -> None:
    # A desktop and a mobile rendition under different file names, each a link to the
    # same full-size file; the credit printed after the second is the picture's.
    html = (
        "<html><body><article><h1>Harbour</h1><a class='teaser main zoom' "
        "href='/uploads/ec7ccf92.jpeg'><img src='/pics/b_5e92.jpeg' alt='The quay'></a>"
        "<a class='teaser fallback mobile zoom' href='/uploads/ec7ccf92.jpeg'>"
        "<img src='/pics/f_e465.jpeg' alt='The quay'></a><div class='copyright'>dpa</div>"
        + BODY
        + "</article></body></html>"
    )
    images = [i for i in extract_page(html, URL).images if i.origin != "og:image"]
    assert [(i.src, i.credit) for i in images] == [
        ("https://news.example.com/pics/b_5e92.jpeg", "dpa")
    ]


def test_a_licences_buttons_and_element_icons_are_chrome() -> None:
    # A page explaining Creative Commons shows the icons of a licence's elements, copied
    # to its own server in two sizes; a post ends with the licence's button. They mark a
    # licence; the figures beside them are pictures. ("bylaw-sign" only begins so.)
    html = (
        "<html><body><article><h1>Licences</h1>"
        + BODY
        + "<p><img src='/wp-content/uploads/2014/03/by.large_.png' width=384 height=384>"
        "<img src='/wp-content/uploads/2014/03/nc.large_-150x150.png' width=99 height=99>"
        "<img src='/media/cc-by-nc-sa.png' width=200 height=70></p>"
        "<figure><img src='/wp-content/uploads/2014/03/bylaw-sign.jpg' width=800 height=500>"
        "<figcaption>The bylaw. Photo: Jane Roe</figcaption></figure>"
        "<p><a rel='license' href='https://creativecommons.org/licenses/by/4.0/'>"
        "<img src='https://licensebuttons.net/l/by/4.0/88x31.png' width=88 height=31></a></p>"
        "<p><img src='/media/88x31.png' width=120 height=42></p>"
        "<figure><img src='/img/by.jpg' width=800 height=500><figcaption>The pier. Photo: "
        "Jane Roe</figcaption></figure>"
        "</article></body></html>"
    )
    assert srcs(html) == [  # (a photo named for one element is a photo)
        "https://news.example.com/wp-content/uploads/2014/03/bylaw-sign.jpg",
        "https://news.example.com/img/by.jpg",
    ]
