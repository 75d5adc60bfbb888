"""App configuration for forum."""

from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "forum"
