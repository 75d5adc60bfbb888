"""A member's declared expertise: the taxonomy terms they say they know well (``User.expertise``).

One declaration, read everywhere: the directory and profiles (members.views), site search
(members.search_provider), TTA matching of peers (tta.matching) and the forum's "Find a peer"
(forum.expertise.services). Members change it from their profile (members.forms.ProfileForm) or from the
forum's preferences page; both go through ``set_expertise``, so the limit is the same on both.
"""

from django.db import transaction

MAX_DECLARED = 10


class TooManyTerms(ValueError):
    """More terms than a member may declare; the message is for them."""


def too_many_message() -> str:
    return f"Choose at most {MAX_DECLARED} subjects, the ones you know best."


def declared_term_ids(user) -> list[int]:
    return list(user.expertise.values_list("pk", flat=True))


def set_expertise(user, terms) -> None:
    """Replace the member's declared expertise with these current terms (retired ones are dropped).

    Goes through the many-to-many manager, so the member's search document follows (m2m_changed).
    """
    wanted = {term.pk for term in terms if not term.retired}
    if len(wanted) > MAX_DECLARED:
        raise TooManyTerms(too_many_message())
    with transaction.atomic():
        user.expertise.set(wanted)
