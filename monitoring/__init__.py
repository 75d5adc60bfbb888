"""Monitoring: the token-guarded Prometheus /metrics endpoint, request ids and JSON logs."""
