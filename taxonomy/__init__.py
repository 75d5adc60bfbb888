"""Taxonomy: the controlled vocabulary every app tags with (phase, type, practice area, audience...)."""
