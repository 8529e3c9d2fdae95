"""The reporting service's rules: the follow-up report built from the read models, section by
section, the comparison of two versions, the cross-region profiles, the report's labels and charts.
Plain Python, no I/O; every function returns the domain's own types (:mod:`.content`)."""
