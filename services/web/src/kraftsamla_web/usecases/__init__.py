"""What the pages ask of the services: each use case makes the calls one page needs, at once."""
