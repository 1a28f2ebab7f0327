"""The composition root: builds the parts from the settings and wires the services.

``web.create_app`` is the server's entry point; ``startup.open_runtime`` opens
everything at once for the CLI.
"""
