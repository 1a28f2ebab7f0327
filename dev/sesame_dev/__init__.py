"""Development-only code: the small models that tests, benchmarks and `make demo` train.

Not part of the ``sesame`` wheel (``dev/pyproject.toml`` installs it beside it).
"""
