"""The assessment's rules: pure Python, no I/O, returning its own types."""
