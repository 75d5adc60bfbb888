"""The membership screens in the Wagtail admin (applications, members, task forces, locks, audit log).

members/wagtail_hooks.py registers them under one "Membership" menu group.
Every view here is reached only through gate.membership_admin_required, and
every change goes through members.services or members.lockout.
"""
