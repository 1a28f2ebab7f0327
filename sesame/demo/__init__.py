"""Synthetic demo data: product photos drawn with Pillow and a multi-country catalog."""
