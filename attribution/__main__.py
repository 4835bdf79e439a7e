"""``python -m attribution`` runs the command line."""

import sys

from attribution.cli import run

sys.exit(run())
