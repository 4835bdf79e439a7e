"""attribution: find every image on a page, read its credit, check its licence."""

__version__ = "0.1.0"
