"""Evaluations of training events: a reaction score and before-and-after knowledge questions.

What it owns: ``EvaluationQuestion`` (a knowledge question staff set for one event, asked
twice: "before", as the attendee recalls it, and "after"), ``EvaluationResponse`` and
``EvaluationAnswer`` (one response per attendee per event, never shown with a name), and
``EvaluationInvite`` (the once-only marker of the email inviting an attendee to evaluate).
Results are aggregated with small counts suppressed (``results``); the research dataset
built from them lives in ``research.exports``.
"""
