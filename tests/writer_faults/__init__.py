"""Faults of the SQLite writer process found by an independent review, each a test."""
