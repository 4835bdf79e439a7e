"""Where targets come from: URLs, saved files and stdin named on the command line, and
lists of them in a file (later: sitemaps, feeds, crawling).

A :class:`~attribution.sources.targets.Target` carries the address its page is checked
under, decided here once.
"""
