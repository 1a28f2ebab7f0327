"""Tiny real Argos translation packages, trained on a sourcing phrasebook."""
