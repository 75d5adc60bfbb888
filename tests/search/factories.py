"""Factories for search tests: index documents of any kind and scope."""

import factory

from search.documents import IndexDocument


class IndexDocumentFactory(factory.Factory):
    class Meta:
        model = IndexDocument

    kind = "practice"
    key = factory.Sequence(lambda n: f"practice-{n}")
    title = factory.Sequence(lambda n: f"Victim-centered interviewing practice {n}")
    text = "Trauma-informed interviews help investigators build strong cases with survivors."
    url = factory.LazyAttribute(lambda doc: f"/practices/{doc.key}/")
    scope = "public"
    topics = ()
