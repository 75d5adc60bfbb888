"""App configuration for research."""

from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
