"""Tests of site search: the index, the members provider, the /search/ page and the benchmark."""
