"""`python -m sesame` runs the command line."""

from sesame.cli import app

app()
