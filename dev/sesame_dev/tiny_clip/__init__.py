"""``sesame-tiny``: a small open_clip model trained on synthetic product photos."""
