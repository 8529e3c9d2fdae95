"""The reporting service's use cases: the only code that queries, applies the domain's rules,
emits events and commits."""
