"""CMS: Wagtail pages (home, practices, resources, briefs, report, contact), site settings and feeds."""
