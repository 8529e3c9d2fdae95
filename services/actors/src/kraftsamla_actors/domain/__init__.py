"""Rules of actors: identifiers and codes of organisations (``codes``), reading the actors CSV
(``csv_import``), memberships, composition of groups and its gaps (``composition``), and
participation in engagements (``participation``). Plain Python, no I/O (the registers it checks
against are read once from the package, see ``reference``). The annual cycle's slots and
follow-up are shared with reporting: ``kraftsamla_common.annual_cycle``."""
