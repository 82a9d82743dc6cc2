"""The command-line shell (Typer lives here and nowhere else)."""
