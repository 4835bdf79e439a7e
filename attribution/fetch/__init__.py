"""Getting the bytes of pages and images: the only package that imports requests.

- :mod:`~attribution.fetch.settings`: every fetch setting in one record (imports nothing heavy);
- :mod:`~attribution.fetch.policy`: which addresses may be fetched (the guard against
  server-side request forgery);
- :mod:`~attribution.fetch.transport`: the guarded connections, the per-fetch deadline
  and its watchdog;
- :mod:`~attribution.fetch.session`: the HTTP session, one request, its errors, retries;
- :mod:`~attribution.fetch.pages`: an HTML page over HTTP;
- :mod:`~attribution.fetch.images`: image files for their metadata (:class:`ImageReader`);
- :mod:`~attribution.fetch.local`: a page saved on disk or piped to stdin;
- :mod:`~attribution.fetch.browser`: a page built by scripts, rendered in headless
  Chromium with the network held to the page's own origin (``check --render``);
- :mod:`~attribution.fetch.webhook`: a scan's alert POSTed as JSON to a webhook;
- :mod:`~attribution.fetch.mail`: a scan's alert sent by SMTP (:class:`MailSettings`).

Later: robots.txt and caching. Import the module you need: this package's own import
stays free of requests so that holding settings costs nothing.
"""
