"""Signals of the vocabulary, so apps that copy term slugs can follow a rename taxonomy knows nothing of."""

from django.dispatch import Signal

# Sent inside the transaction that saves the term, after the save: term, old_slug.
term_slug_changed = Signal()
