"""The assessment service's talk with the outside world other than its database and the bus."""
