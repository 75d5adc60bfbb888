"""Template tags for forum pages."""
