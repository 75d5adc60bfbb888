"""Forum: the members-only peer forum (filled by the forum issue)."""
