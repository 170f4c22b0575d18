"""Editions year after year: a new edition from the last one, each city's
history across editions, and the network's counts."""
