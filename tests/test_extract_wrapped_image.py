"""The quick look for an image URL passed to a resizer as a parameter answers as reading
every parameter does."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from attribution.extract.urls import _wrapped_image, looks_like_image_url

_PARAMS = ("url", "src", "u", "image", "img", "file")


def every_parameter_read(query: str) -> str | None:
    if not query or "=" not in query:
        return None
    for name, value in parse_qsl(query):
        if name.lower() in _PARAMS and (
            value.startswith(("http://", "https://", "/")) and looks_like_image_url(value)
        ):
            return value
    return None


_PIECES = st.lists(
    st.sampled_from(
        [
            *("url", "URL", "Url", "src", "u", "image", "İmage", "img", "file", "menu", "w"),
            *("=", "&", ";", "%75rl", "+", "/a.jpg", "https://cdn.example/b.png", "/image/1"),
        ]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=1000, deadline=None)
@given(_PIECES)
def test_the_quick_look_finds_what_reading_every_parameter_finds(query: str) -> None:
    assert _wrapped_image(query) == every_parameter_read(query)


def test_plain_and_encoded_parameters() -> None:
    assert _wrapped_image("w=600&url=%2Fa.jpg") == "/a.jpg"
    assert _wrapped_image("w=600&URL=/a.jpg") == "/a.jpg"
    assert _wrapped_image("%75rl=/a.jpg") == "/a.jpg"
    assert _wrapped_image("w=600&menu=/a.jpg") is None
