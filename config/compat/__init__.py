"""The only place Commons uses private names of Django, Wagtail or allauth.

Everything else in the code base goes through the frameworks' public APIs.
Where a measured need (or a missing public API) left no choice, the private
use sits in the module for its framework (``django.py``, ``wagtail.py``,
``allauth.py``), with a comment giving the figure or the reason that justifies
it. tests/test_compat.py pins each framework's version (major.minor) and the
signature of every internal used here, so an upgrade fails loudly there
instead of silently somewhere else: on an upgrade, re-check each use against
the new release, then move the pin.
"""

# The versions the internals below were checked against; tests/test_compat.py compares them with
# the installed ones.
CHECKED_VERSIONS = {"django": (5, 2), "wagtail": (8, 0), "allauth": (65, 21)}
