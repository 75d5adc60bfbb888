"""Members: accounts, task forces, approval of new members, roles, MFA policy and the audit log."""
