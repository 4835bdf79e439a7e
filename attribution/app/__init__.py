"""The use cases: the only place that orchestrates.

One module per use case (:mod:`~attribution.app.check` now; scans and reports later).
The command line, the web page and the workers call these and the library; none of
them orchestrates on its own.
"""
