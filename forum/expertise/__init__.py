"""The forum's side of expertise: "Find a peer", ranking members for a tag by the answers peers accepted
from them and by what they declared (User.expertise, owned by members.expertise), and each member's
forum record on their profile.

services (find_peers, record_for, profile_section), views and urls (/forum/peers/, the expertise form).
"""
