"""Images that extraction used to miss or merge: URLs in a site's own lazy attributes,
``<image>`` elements, and different pictures whose URLs look alike."""

from __future__ import annotations

from attribution.extract import extract_page, image_identity

BASE = "https://news.example.com/story/"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def sources(html: str) -> list[str]:
    return [image.src for image in extract_page(html, BASE).images]


def test_a_placeholder_image_names_its_picture_in_an_attribute_of_the_sites_own() -> None:
    html = page(
        "<p>Text.</p><figure><img src='/static/lazy-placeholder.png' class='lazy' alt='' "
        "data-sm='/media/s/avalanche-480.jpg' data-lg='/media/l/avalanche.jpg' "
        "data-md='/media/m/avalanche-960.jpg'><figcaption>The slope. Photo: A. Guide"
        "</figcaption></figure>"
        "<div class='lead'><img src='/img/blank.gif' alt='Harbour' "
        "data-full-image='https://cdn.example.com/store/20461/harbour-large.jpg'></div>"
    )
    assert sources(html) == [
        "https://news.example.com/media/l/avalanche.jpg",
        "https://cdn.example.com/store/20461/harbour-large.jpg",
    ]


def test_foundation_interchange_gives_the_rule_for_large_screens() -> None:
    html = page(
        "<p>Text.</p><figure><img data-interchange='[/m/boat-small.jpg, small], "
        "[/m/boat-medium.jpg, medium], [/m/boat-large.jpg, large]' alt='Boat'>"
        "<figcaption>A boat. Photo: B. Sailor</figcaption></figure>"
    )
    assert sources(html) == ["https://news.example.com/m/boat-large.jpg"]


def test_a_real_src_is_not_replaced_by_other_data_attributes() -> None:
    html = page(
        "<figure><img src='/m/river.jpg' data-share='/m/share-card.jpg' alt='River'>"
        "<figcaption>A river. Photo: C. Boat</figcaption></figure>"
    )
    assert sources(html) == ["https://news.example.com/m/river.jpg"]


def test_beside_a_real_src_an_attribute_named_for_a_larger_size_is_a_variant() -> None:
    # A gallery thumbnail whose full picture a click opens, and WordPress's original
    # upload beside the size the article shows: the picture shown is the src.
    html = page(
        "<p>Text.</p><figure><a href='/gallery/best-of?img=1'><img alt='' "
        "src='https://cdn.example.com/53e77eaa/_w.150_h.150_s.centercrop_/bloody%20beer.jpg' "
        "data-full-img-src='https://cdn.example.com/53e77eaa._w.540_s.fit_.jpg'></a>"
        "<figcaption>A cocktail. Photo: E. Bar</figcaption></figure>"
        "<figure><img src='/wp/2024/05/harbour-1024x683.jpg' "
        "data-orig-file='/wp/2024/05/harbour.jpg' alt='Harbour'>"
        "<figcaption>The harbour. Photo: F. Quay</figcaption></figure>"
    )
    images = extract_page(html, BASE).images
    assert [image.src for image in images] == [
        "https://cdn.example.com/53e77eaa/_w.150_h.150_s.centercrop_/bloody%20beer.jpg",
        "https://news.example.com/wp/2024/05/harbour-1024x683.jpg",
    ]
    assert [image.credit for image in images] == ["E. Bar", "F. Quay"]


def test_without_a_real_src_an_attribute_named_for_a_larger_size_is_the_picture() -> None:
    html = page(
        "<p>Text.</p><figure><img src='/img/blank.gif' alt='Pier' "
        "data-full-src='/media/pier.jpg'><figcaption>The pier. Photo: G. Tide"
        "</figcaption></figure>"
    )
    assert sources(html) == ["https://news.example.com/media/pier.jpg"]


def test_an_image_without_src_names_its_picture_in_an_attribute_html_does_not_define() -> None:
    # A slider's script copies "content" into src when the slide is shown.
    html = page(
        "<p>Text.</p><div class='slider'>"
        "<figure class='active'><img alt='' data-lazyenabled='1' "
        "src='/assets/article_image/worms-01.jpg' width='660' height='397'>"
        "<figcaption><p>Worms turn waste into soil.</p>"
        "<span class='image-credits'>Foto: H. Garden</span></figcaption></figure>"
        "<figure><img alt='' data-lazyenabled='1' "
        "content='/assets/article_image/worms-02.jpg' width='660' height='397'>"
        "<figcaption><p>Mark the parts.</p>"
        "<span class='image-credits'>Foto: H. Garden</span></figcaption></figure></div>"
    )
    images = extract_page(html, BASE).images
    assert [image.src for image in images] == [
        "https://news.example.com/assets/article_image/worms-01.jpg",
        "https://news.example.com/assets/article_image/worms-02.jpg",
    ]
    assert [image.credit for image in images] == ["H. Garden", "H. Garden"]


def test_the_attributes_html_defines_are_not_read_for_a_picture() -> None:
    html = page(
        "<p>Text.</p><img alt='/media/alt.jpg' title='/media/title.jpg'>"
        "<img aria-describedby='/images/about.jpg'><img onerror=\"this.src='/images/x.jpg'\">"
    )
    assert sources(html) == []


def test_data_attributes_that_are_not_image_urls_are_not_read() -> None:
    html = page(
        "<p>Text.</p><img src='/img/blank.gif' data-id='12345' data-link='/story/other/' "
        'data-config=\'{"src": "/m/x.jpg"}\'>'
    )
    assert sources(html) == []


def test_an_image_element_outside_svg_is_an_img() -> None:
    html = page(
        "<p>Text.</p><p><image width='460' height='287' "
        "src='https://cdn.example.com/pics/2019/lanterns_8812904a.jpg'></image>"
        "<sub>People carry lanterns. Photo: D. Press</sub></p>"
    )
    assert sources(html) == ["https://cdn.example.com/pics/2019/lanterns_8812904a.jpg"]


def test_static_maps_of_different_places_are_different_pictures() -> None:
    maps = [
        "https://maps.example.com/api/staticmap?center=53.36,7.20&zoom=15&size=400x300&key=K",
        "https://maps.example.com/api/staticmap?center=53.37,7.21&zoom=15&size=400x300&key=K",
    ]
    assert image_identity(maps[0]) != image_identity(maps[1])
    html = page("".join(f"<p>Stop.</p><img src='{m.replace('&', '&amp;')}'>" for m in maps))
    assert sources(html) == maps


def test_an_address_that_draws_a_picture_sees_through_size_parameters() -> None:
    # Sizes by any name: small numbers and empty values do not name a picture.
    assert image_identity(
        "https://img.example.com/draw/?day=20230412&n=3&pic=2093847561&w=640&sh=&x=&r=ZX9"
    ) == image_identity(
        "https://img.example.com/draw/?day=20230412&n=3&pic=2093847561&w=&x=640&r=ZX9"
    )
    assert image_identity("https://img.example.com/resize?id=40177&w=300") != image_identity(
        "https://img.example.com/resize?id=40178&w=300"
    )


def test_numbered_files_in_a_plain_folder_are_different_pictures() -> None:
    numbers = ("014", "052", "1107", "1230")
    html = page(
        "".join(
            f"<figure><img src='/media/uploads/{n}.jpg'><figcaption>Backstage, Paris"
            "</figcaption></figure>"
            for n in numbers
        )
    )
    assert sources(html) == [f"https://news.example.com/media/uploads/{n}.jpg" for n in numbers]


def test_a_width_as_file_name_in_a_pictures_own_folder_is_still_a_size() -> None:
    assert image_identity(
        "https://i.example.com/img/media/ab12cd/0_0_5000_3000/master/5000.jpg"
    ) == image_identity("https://i.example.com/img/media/ab12cd/0_0_5000_3000/master/1000.jpg")


def test_camera_picture_numbers_are_not_widths() -> None:
    shots = ("6730", "6755", "6911")
    html = page(
        "".join(
            f"<p>Ride.</p><img src='/up/2023/10/Trail_Bike_WEB-{n}.jpg' srcset='"
            f"/up/2023/10/Trail_Bike_WEB-{n}-600x400.jpg 600w, "
            f"/up/2023/10/Trail_Bike_WEB-{n}-980x653.jpg 980w'>"
            for n in shots
        )
    )
    assert len(sources(html)) == 3
    assert image_identity("https://x.example/a/harbour-1024.jpg") == image_identity(
        "https://x.example/a/harbour.jpg"
    )


def test_one_file_name_in_folders_of_different_days_is_different_pictures() -> None:
    days = ("20220115", "20220116", "20220117")
    html = page(
        "".join(
            f"<p>Day.</p><img src='/archive/bulletin/{d}/{d}0800/bulletin_en.png' "
            "width=600 height=400>"
            for d in days
        )
    )
    assert len(sources(html)) == 3


def test_sizes_of_one_picture_in_one_folder_still_merge() -> None:
    html = page(
        "<figure><img src='/up/2023/10/harbour-1024x683.jpg' "
        "srcset='/up/2023/10/harbour-300x200.jpg 300w, /up/2023/10/harbour-1024x683.jpg 1024w'>"
        "<noscript><img src='/up/2023/10/harbour-1024x683.jpg'></noscript>"
        "<figcaption>The harbour. Photo: E. Quay</figcaption></figure>"
    )
    assert len(sources(html)) == 1


def test_a_picture_placed_in_an_svg_drawing_is_an_image() -> None:
    html = page(
        "<p>Text.</p><figure><svg viewBox='0 0 800 600' width='800' height='600' "
        "aria-label='Rainfall map'><image href='/m/rainfall-map.png' width='800' height='600'/>"
        "<text x='10' y='20'>Legend</text></svg>"
        "<figcaption>Rain this week. Map: F. Weather</figcaption></figure>"
        "<svg width='640' height='480'><image xlink:href='/m/river-photo.jpg'></image></svg>"
    )
    images = extract_page(html, BASE).images
    assert [image.src for image in images] == [
        "https://news.example.com/m/rainfall-map.png",
        "https://news.example.com/m/river-photo.jpg",
    ]
    assert images[0].alt == "Rainfall map"
    assert images[0].caption == "Rain this week."


def test_an_svg_icon_is_still_not_an_image() -> None:
    html = page(
        "<p>Text.</p><a href='/share'><svg width='16' height='16'>"
        "<image href='/icons/share.png' width='16' height='16'/></svg></a>"
        "<svg><use xlink:href='#icon-mail'></use></svg>"
    )
    assert sources(html) == []


def test_a_script_value_in_a_lazy_attribute_is_not_a_url() -> None:
    html = page(
        "<figure><img src='https://cdn.example.com/m/queue.jpg' data-url='null' alt='Queue'>"
        "<figcaption>The queue. Photo: G. Wait</figcaption></figure>"
    )
    assert sources(html) == ["https://cdn.example.com/m/queue.jpg"]


def test_the_picture_scripts_show_wins_over_its_noscript_copy() -> None:
    html = page(
        "<figure><noscript><img src='/m/pump_4db10e5d86.jpg' "
        "srcset='/m/pump_ebe5397e2d.jpg 320w, /m/pump_8e4df5727b.jpg 1440w'></noscript>"
        "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw=' class='lazyload' "
        "data-srcset='/m/pump_ebe5397e2d.jpg 320w, /m/pump_8e4df5727b.jpg 1440w'>"
        "<figcaption>A heat pump. Photo: H. Warm</figcaption></figure>"
    )
    assert sources(html) == ["https://news.example.com/m/pump_8e4df5727b.jpg"]


def test_typo3_renditions_of_one_picture_share_an_identity() -> None:
    folder = "https://x.example/fileadmin/_processed_/f/b/"
    assert image_identity(folder + "csm_Heat-Pump_439468967_4db10e5d86.jpg") == image_identity(
        folder + "csm_Heat-Pump_439468967_cfb8b0af33.jpg"
    )
    assert image_identity(folder + "csm_Heat-Pump_4db10e5d86.jpg") != image_identity(
        folder + "csm_Solar-Roof_4db10e5d86.jpg"
    )


def test_twitters_gallery_card_declares_each_of_its_pictures() -> None:
    head = "".join(
        f"<meta name='twitter:image{n}' content='https://news.example.com/g/slide-{n}.jpg'>"
        for n in range(3)
    )
    images = extract_page(page("<p>A slideshow drawn by script.</p>", head), BASE).images
    assert [(image.src, image.role) for image in images] == [
        (f"https://news.example.com/g/slide-{n}.jpg", "social") for n in range(3)
    ]


def test_a_watermark_drawing_in_src_gives_way_to_the_picture_in_a_sites_attribute() -> None:
    # The src is the site's watermark (an SVG) until a script swaps in the picture that
    # an attribute of the site's own names.
    html = page(
        "<p>Text.</p><figure><img width=730 src='/resources/img/watermark.svg' "
        "data-td-src-property='https://media.example.com/2024/05/quay.jpg' alt='The quay'>"
        "<figcaption>The quay at dawn. Foto: Archivo</figcaption></figure>"
    )
    assert sources(html) == ["https://media.example.com/2024/05/quay.jpg"]
