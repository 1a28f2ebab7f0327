"""Sesame: photo and multilingual search for SME suppliers, with translated chat.

Importing the package does nothing: models, indexes and the database are
opened by the composition root (``sesame.runtime``) at start-up.
"""

__version__ = "0.1.0"
