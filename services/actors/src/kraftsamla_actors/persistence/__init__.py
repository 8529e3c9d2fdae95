"""The actors service's tables, and query helpers the use cases share."""
