"""TTA pages, by who uses them.

- ``members``: a member's overview, the assessment form and page, filing and reading requests,
  answering peer exchanges, and the public figures.
- ``staff``: the staff dashboard and its exports, cycles and service targets, public figures.
- ``triage``: the staff page of one request and its actions, each at its own URL.
- ``needs``: the staff page of one assessment's needs and their matches, each action at its own URL.

Every permission question goes to tta.access, every change to tta.services, every
read a page needs to tta.querysets. Pages load their data in a fixed number of queries.
"""
