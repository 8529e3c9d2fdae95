"""The assessment service's use cases: the only code that queries, applies the rules, emits events
and commits."""
