"""backup, restore and fingerprint."""
