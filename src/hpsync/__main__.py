"""``python -m hpsync`` runs the CLI."""

from hpsync.cli import main

main()
