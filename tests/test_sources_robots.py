"""robots.txt as RFC 9309 reads it, for the checker's own user agent, and what servers
send instead of one (errors, HTML pages, binary data, megabytes of it).

Every robots.txt here is written by the test itself.
"""

from __future__ import annotations

import random
from importlib.metadata import version

import pytest

from attribution.errors import UsageError
from attribution.fetch.settings import FetchSettings
from attribution.sources.robots import MAX_ROBOTS_BYTES, RobotsRules, product_token

ROBOTS_URL = "https://news.example/robots.txt"
AGENT = FetchSettings().user_agent


def rules(text: str) -> RobotsRules:
    return RobotsRules.parse(text.encode(), ROBOTS_URL)


def test_the_checkers_user_agent_has_the_product_token_attribution() -> None:
    assert product_token(AGENT) == "attribution"
    assert product_token("Googlebot/2.1 (+http://www.google.com/bot.html)") == "Googlebot"
    assert product_token("  my_bot-2  ") == "my_bot-"
    assert product_token("/weird") == "/weird"


def test_the_group_of_the_product_token_applies_and_not_the_others() -> None:
    robots = rules(
        """User-agent: *
Disallow: /

User-agent: Attribution
Disallow: /private/
Allow: /private/press/

User-agent: attribution-preview
Disallow: /news/
"""
    )
    assert robots.allows("https://news.example/news/story", AGENT)
    assert not robots.allows("https://news.example/private/notes", AGENT)
    assert robots.allows("https://news.example/private/press/kit", AGENT)  # the longer rule wins
    assert not robots.allows("https://news.example/news/story", "OtherBot/1.0")


def test_the_star_group_applies_when_none_names_the_checker() -> None:
    robots = rules(
        "User-agent: googlebot\nDisallow: /\n\nUser-agent: *\nDisallow: /search\nDisallow: /*.pdf$\n"
    )
    assert robots.allows("https://news.example/story", AGENT)
    assert not robots.allows("https://news.example/search?q=x", AGENT)
    assert not robots.allows("https://news.example/files/report.pdf", AGENT)
    assert robots.allows("https://news.example/files/report.pdf?page=2", AGENT)


def test_robots_txt_itself_is_always_allowed() -> None:
    assert rules("User-agent: *\nDisallow: /\n").allows(ROBOTS_URL, AGENT)
    assert RobotsRules.disallow_all().allows(ROBOTS_URL, AGENT)
    assert not RobotsRules.disallow_all().allows("https://news.example/", AGENT)
    assert RobotsRules.allow_all().allows("https://news.example/anything", AGENT)


@pytest.mark.parametrize(
    ("text", "delay"),
    [
        ("User-agent: *\nCrawl-delay: 5\n", 5.0),
        ("User-agent: attribution\nCrawl-delay: 0.5\n", 0.5),
        ("User-agent: *\nRequest-rate: 1/10s\n", 10.0),
        ("User-agent: *\nRequest-rate: 6/1m\n", 10.0),
        ("User-agent: *\nCrawl-delay: 2\nRequest-rate: 1/30s\n", 30.0),  # the larger
        ("User-agent: *\nCrawl-delay: 45\nRequest-rate: 1/30s\n", 45.0),
        ("User-agent: *\nDisallow: /x\n", None),
        ("User-agent: otherbot\nCrawl-delay: 60\n", None),
        ("User-agent: *\nCrawl-delay: inf\n", None),
        ("User-agent: *\nCrawl-delay: nan\n", None),
        ("User-agent: *\nCrawl-delay: -3\n", None),
        ("User-agent: *\nCrawl-delay: soon\nRequest-rate: 0/0\n", None),
    ],
)
def test_crawl_delay_takes_the_larger_of_crawl_delay_and_request_rate(
    text: str, delay: float | None
) -> None:
    assert rules(text).crawl_delay(AGENT) == delay


def test_no_rules_means_no_delay() -> None:
    assert RobotsRules.allow_all().crawl_delay(AGENT) is None
    assert RobotsRules.disallow_all().crawl_delay(AGENT) is None


def test_sitemaps_are_absolute_http_urls_each_once_wherever_they_are_listed() -> None:
    robots = rules(
        """Sitemap: https://news.example/sitemap-index.xml
User-agent: *
Disallow: /admin/
Sitemap: /sitemap-news.xml
sitemap:https://news.example/sitemap-index.xml
Sitemap: ftp://news.example/old.xml
Sitemap: https://cdn.news.example/sitemaps/images.xml
"""
    )
    assert robots.sitemaps() == (
        "https://news.example/sitemap-index.xml",
        "https://news.example/sitemap-news.xml",
        "https://cdn.news.example/sitemaps/images.xml",
    )
    assert RobotsRules.allow_all().sitemaps() == ()


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (400, True),
        (401, True),
        (403, True),
        (404, True),
        (410, True),
        (301, True),  # more redirects than are followed: unavailable, like a 4xx
        (429, False),
        (500, False),
        (503, False),
        (599, False),
    ],
)
def test_an_answer_without_a_robots_txt_means_what_rfc_9309_says(
    status: int, allowed: bool
) -> None:
    robots = RobotsRules.for_status(status)
    assert robots.allows("https://news.example/story", AGENT) is allowed
    assert robots.allows(ROBOTS_URL, AGENT)


@pytest.mark.parametrize("status", [200, 204, 99, 600, -1])
def test_a_status_with_a_body_or_no_status_at_all_is_a_usage_error(status: int) -> None:
    with pytest.raises(UsageError):
        RobotsRules.for_status(status)


# --- garbage ------------------------------------------------------------------------------


def test_what_lies_past_500_kib_is_ignored_and_said() -> None:
    head = "User-agent: *\nDisallow: /early/\n"
    padding = "# " + "x" * 100 + "\n"
    body = head + padding * (MAX_ROBOTS_BYTES // len(padding) + 1) + "Disallow: /late/\n"
    assert len(body) > MAX_ROBOTS_BYTES
    robots = rules(body)
    assert not robots.allows("https://news.example/early/a", AGENT)
    assert robots.allows("https://news.example/late/a", AGENT)
    assert robots.notes == ("robots.txt is larger than 500 KiB: what lies past it is ignored",)
    assert rules(head).notes == ()


def test_an_html_page_served_as_robots_txt_allows_everything() -> None:
    robots = rules(
        "<!DOCTYPE html><html><head><title>Page not found</title></head>\n"
        "<body><p>Disallow: this page does not exist</p><p>User-agent: you</p></body></html>\n"
    )
    assert robots.allows("https://news.example/story", AGENT)
    assert robots.crawl_delay(AGENT) is None
    assert robots.sitemaps() == ()


def test_binary_data_neither_crashes_nor_disallows() -> None:
    noise = random.Random(9309).randbytes(MAX_ROBOTS_BYTES + 1000)
    robots = RobotsRules.parse(noise, ROBOTS_URL)
    assert robots.allows("https://news.example/story", AGENT)


def test_invalid_utf8_and_a_byte_order_mark_are_read() -> None:
    body = b"\xef\xbb\xbfUser-agent: *\nDisallow: /caf\xe9/\nDisallow: /caf\xc3\xa9-2/\n"
    robots = RobotsRules.parse(body, ROBOTS_URL)
    assert not robots.allows("https://news.example/caf%C3%A9-2/menu", AGENT)
    assert robots.allows("https://news.example/story", AGENT)


def test_one_line_of_500_kib_is_read() -> None:
    robots = rules("User-agent: * Disallow: /" + "a" * MAX_ROBOTS_BYTES)
    assert robots.allows("https://news.example/story", AGENT)
    long_rule = rules("User-agent: *\nDisallow: /" + "a" * (MAX_ROBOTS_BYTES - 100) + "\n")
    assert long_rule.allows("https://news.example/aaa", AGENT)
    assert not long_rule.allows("https://news.example/" + "a" * MAX_ROBOTS_BYTES, AGENT)


def test_rules_made_of_wildcards_match_a_long_url_without_backtracking() -> None:
    # Turned into a regular expression, as Protego before 0.6.2 did, this pattern
    # backtracks for hours on the URL below (CVE-2026-55520): fail rather than hang.
    installed = tuple(int(part) for part in version("protego").split(".")[:3] if part.isdigit())
    assert installed >= (0, 6, 2), f"Protego {version('protego')} backtracks on wildcards"
    robots = rules("User-agent: *\nDisallow: /" + "*a" * 40 + "*b$\n")
    url = "https://news.example/" + "a" * 5000 + "c"
    assert robots.allows(url, AGENT)
    assert not robots.allows("https://news.example/" + "a" * 50 + "b", AGENT)


def test_many_rules_are_read() -> None:
    text = "User-agent: *\n" + "".join(f"Disallow: /section-{n}/\n" for n in range(20_000))
    robots = rules(text)
    assert not robots.allows("https://news.example/section-19999/story", AGENT)
    assert robots.allows("https://news.example/section-20000/story", AGENT)


def test_a_url_that_cannot_be_read_is_not_allowed() -> None:
    for robots in (rules("User-agent: *\nDisallow: /private\n"), RobotsRules.allow_all()):
        assert robots.allows("https://[::1/story", AGENT) is False
