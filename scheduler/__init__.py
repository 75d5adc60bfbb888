"""Scheduler: periodic jobs declared in code, each (job, period) run once across all machines."""
