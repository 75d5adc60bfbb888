"""Search: one site search index that apps feed through a provider registry; it imports no app."""
