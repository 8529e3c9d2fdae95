"""The reporting service's database: its tables, the queries several use cases share, and the JSON
in which report versions are stored."""
