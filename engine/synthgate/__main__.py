"""``python -m synthgate``."""

from synthgate.cli import main

main()
