"""Where the actors service meets the world beyond its database and the bus: spreadsheets."""
