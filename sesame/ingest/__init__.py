"""Ingest: catalog files in; rows, photos, embeddings and index vectors out."""
