"""Where targets come from: URLs, saved files and stdin named on the command line, lists
of them in a file, and, for scans, the sources a site publishes (later: crawling).

A :class:`~attribution.sources.targets.Target` carries the address its page is checked
under, decided here once.

The sources of a scan are pure parsers, bytes in and frozen records out; the use case
fetches and calls them:

- ``sitemaps.parse_sitemap``: urlset and sitemapindex documents (with their news and
  image extensions), text lists, gzip, feeds: the pages and child sitemaps a sitemap
  lists, and ``notes`` on what it left out;
- ``feeds.parse_feed``: the pages an RSS or Atom feed links to;
- ``robots.RobotsRules``: robots.txt, or what an error status means instead of one;
- ``filters.page_url_reason``: why a listed URL is not a page to check.

A source that cannot be read raises :class:`~attribution.errors.SourceError`, one line.
"""
