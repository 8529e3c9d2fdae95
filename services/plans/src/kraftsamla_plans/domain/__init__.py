"""Rules of programmes, action plans and local plans: plain Python, no I/O, returning their own types.

Every problem found is reported with a JSON pointer to where it is, so a person can fix it.
"""
