"""Pieces of scripts/soak.py: server processes, the small disk, the load, the report."""
