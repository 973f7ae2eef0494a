from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data and the demo candidates: the top floor, nothing imports it."""

    name = "mianshi.demo"
    label = "demo"
    verbose_name = _("Demo")
