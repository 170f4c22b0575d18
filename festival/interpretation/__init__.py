"""Interpretation per session: what its attendees need, what the host offers,
who is left uncovered, and the host's interpreters assigned to it."""
