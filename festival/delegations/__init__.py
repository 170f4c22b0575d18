"""Organisers review registrations: delegations, delegates, visa letters, purge."""
