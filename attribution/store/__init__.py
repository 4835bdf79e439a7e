"""Storage of check results: the only package that imports SQLAlchemy and Alembic.

``database.py`` opens databases and applies migrations, ``models.py`` declares the
tables, ``repository.py`` records results and answers queries with plain records.
"""
