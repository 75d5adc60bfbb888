"""First and last names the benches give generated people (forum authors, search profiles)."""

FIRST = (
    "Maria James Aisha Robert Linh Carlos Dana Priya Michael Fatima David Keisha Jose Emily Omar Grace "
    "Luis Hannah Tomas Nadia Samuel Rosa Daniel Mei Andre Olivia Victor Chloe Ibrahim Laura"
).split()
LAST = (
    "Garcia Smith Nguyen Johnson Patel Williams Brown Jones Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Walker"
).split()
