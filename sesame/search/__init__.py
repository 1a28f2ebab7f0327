"""Search: photo and multilingual text search grouped by supplier, ranking, and catalog reads."""
