"""Helpers of scripts/bench_index.py: data, measuring, raw FAISS variants, report."""
