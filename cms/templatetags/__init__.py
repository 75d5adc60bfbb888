"""Template tags of the CMS."""
