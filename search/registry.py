"""The provider registry: apps tell search what to index and which scopes a visitor may see.

Search imports no app. Each app registers, from its AppConfig.ready(), a
provider per kind (a callable yielding IndexDocument for a full reindex) and,
if it hands out scopes beyond "public", a scope resolver.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from search.documents import IndexDocument

PUBLIC = "public"


@dataclass(frozen=True)
class Provider:
    kind: str
    label: str
    documents: Callable[[], Iterable[IndexDocument]]
    # A kind that may hold hundreds of thousands of entries (forum posts): search
    # probes it before choosing how to read it (search.fulltext).
    large: bool = False
    # Every entry of the kind has a scope starting with this ("forum:"): a visitor
    # with no such scope sees none of them, so search skips the kind for them.
    scope_prefix: str = ""


_providers: dict[str, Provider] = {}
_scope_resolvers: list[Callable] = []


def register_provider(
    kind: str,
    documents_callable,
    label: str | None = None,
    *,
    large: bool = False,
    scope_prefix: str = "",
) -> Provider:
    """Register (or replace) the provider of a kind; ``label`` is the human plural, e.g. "Member profiles".

    ``large`` marks a kind that may grow to hundreds of thousands of entries.
    ``scope_prefix`` promises that every entry's scope starts with it; the index
    refuses an entry that breaks the promise.
    """
    if not kind or len(kind) > 40:
        raise ValueError("A kind is a short non-empty name, at most 40 characters.")
    provider = Provider(
        kind=kind,
        label=label or kind.replace("_", " ").capitalize(),
        documents=documents_callable,
        large=large,
        scope_prefix=scope_prefix,
    )
    _providers[kind] = provider
    return provider


def register_scope_resolver(fn) -> None:
    """Add fn(user) -> iterable of extra scope strings that user may see. Registering twice is harmless."""
    if fn not in _scope_resolvers:
        _scope_resolvers.append(fn)


def providers() -> dict[str, Provider]:
    """The registered providers by kind, in registration order."""
    return dict(_providers)


def large_kinds() -> frozenset[str]:
    """The kinds registered as large."""
    return frozenset(kind for kind, provider in _providers.items() if provider.large)


def scope_prefix_of(kind: str) -> str:
    """The scope prefix the kind's provider promised, or "" (any scope)."""
    provider = _providers.get(kind)
    return provider.scope_prefix if provider else ""


def label_for(kind: str) -> str:
    provider = _providers.get(kind)
    return provider.label if provider else kind.replace("_", " ").capitalize()


def allowed_scopes(user) -> frozenset[str]:
    """Every scope this visitor may see: always "public", plus what each resolver grants."""
    scopes = {PUBLIC}
    for resolve in _scope_resolvers:
        scopes.update(scope for scope in resolve(user) or () if scope)
    return frozenset(scopes)
