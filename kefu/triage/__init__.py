"""Triage: what happens to every inbound customer message, on every channel."""
