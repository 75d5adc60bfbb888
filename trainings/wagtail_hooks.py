"""Wagtail admin hooks of trainings: the roll-call module snippet (trainings.modules.snippets)."""

from trainings.modules import snippets

snippets.register()
