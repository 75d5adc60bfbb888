"""Benchmarks at scale: ``python -m bench`` runs every ``bench/*_bench.py`` against a throwaway database.

A bench module exposes ``run(smoke: bool) -> dict`` of named figures (seconds,
rows, rows per second). It may assume Django is set up and the schema migrated;
the runner in ``bench/__main__.py`` does that. Last recorded figures are in
bench/README.md.
"""
