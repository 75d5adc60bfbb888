"""Tests of the periodic-job scheduler and the jobs it runs."""
