"""Management commands of site search."""
