"""``python -m plans.calculator``: see :mod:`plans.calculator.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
