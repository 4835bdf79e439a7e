"""A fuzz harness for the page pipeline: mutated real pages and generated HTML through
``attribution.pipeline.check_html``, each input under a CPU budget (see ``run.py``)."""
