"""``python -m tests.fuzz``: see :mod:`tests.fuzz.run`."""

from .run import main

raise SystemExit(main())
