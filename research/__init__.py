"""Research: notebooks, datasets, runs and publishing evidence briefs (filled by the research issue)."""
