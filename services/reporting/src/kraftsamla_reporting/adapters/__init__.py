"""Talking to the world beyond the database and the bus: the report as HTML and CSV (templates),
and printed to PDF with Chromium."""
