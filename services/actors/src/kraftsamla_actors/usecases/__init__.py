"""What the actors service does, one module per topic: the only code that queries the database,
applies the domain's rules, raises events and commits."""
