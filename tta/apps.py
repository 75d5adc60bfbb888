"""App configuration for tta."""

from django.apps import AppConfig


class TtaConfig(AppConfig):
    name = "tta"
