"""`python -m mzpolicy`: the same command group as the `mzpolicy` script."""

from mzpolicy.cli import main

main()
