"""The editors' web page and the HTTP API (``attribution serve``).

``app.py`` assembles the application; ``pages.py`` the HTML pages (templates in
``reports/web/``), ``api.py`` the JSON API and ``openapi.py`` its description;
``security.py`` sign-in, forged forms, limits and the Content-Security-Policy;
``server.py`` runs it under uvicorn. Every check goes through
:mod:`attribution.app.editor`, as the command line's go through :mod:`attribution.app.check`.
"""
