"""``python -m procgen`` runs the command line."""

from procgen.cli import main

main()
