"""run_scheduler and scheduler_status."""
