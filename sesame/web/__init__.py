"""The mobile web app (an installable PWA): static files served by Sesame at ``/``.

The app is plain ES modules and hand-written CSS under ``static/``, with no build step;
it talks to the public ``/v1`` API only. ``mount_web_app`` adds it to a FastAPI app.
"""

from sesame.web.mount import mount_web_app

__all__ = ["mount_web_app"]
