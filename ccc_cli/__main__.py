"""``python -m ccc_cli`` runs the ``ccc`` command."""

from ccc_cli.cli.app import main

main()
