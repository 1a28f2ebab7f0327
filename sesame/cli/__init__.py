"""The ``sesame`` command line (an entry point above the services)."""

from sesame.cli.main import app

__all__ = ["app"]
