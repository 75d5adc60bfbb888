"""The load and fault drill (issue 18): `make drill` starts a production-like stack on loopback,
runs the main journeys, applies load while it kills and restarts processes, checks that nothing
was lost, doubled or miscounted, backs up and restores, and writes var/drill/report.txt.

Modules: settings (ports, scale), stack (the processes), nginx (its configuration), seed and
inspect_db (run inside Django, in the stack's environment), web (a small HTTP client with
cookies and TOTP), journeys, load, faults, checks (pure), restore_drill, report.
"""
