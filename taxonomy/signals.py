"""Signals of the vocabulary, so apps that copy term slugs can follow a rename taxonomy knows nothing of."""

from django.dispatch import Signal

# Sent inside the transaction that saves the term, after the save: term, old_slug, new_slug.
# The site search rewrites its entries' topics on it (search.topics), taxonomy records the
# former slug (taxonomy.renames); a receiver that raises rolls the rename back.
term_slug_changed = Signal()
