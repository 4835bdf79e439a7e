"""Scans on Celery workers: the Celery app, its task, and the politeness all workers
share through Redis (:mod:`attribution.workers.gate`: the per-host places and spacing,
and the robots.txt readings)."""
