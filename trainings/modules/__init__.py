"""Roll-call training modules (issue 16): a short captioned video, discussion questions, a
facilitator's print view and a quiz whose pass records completion in the member's training record.

``models`` holds the data, ``services`` grading and completion, ``views``/``urls``/``forms`` the
pages under ``/trainings/modules/``, ``record_source`` the entries in the training record, and
``demo`` the demo modules. Who may see what is decided in ``trainings.access``.
"""
