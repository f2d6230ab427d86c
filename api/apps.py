from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API for the systems around the dashboard (README, "REST API"). It sits on top of
    the other apps, like the project package: nothing in accounts, cooperatives or plans imports it."""

    name = "api"
    verbose_name = "API"
