from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Figures over the pipeline (F-110); for now the staff's home page."""

    name = "mianshi.insights"
    label = "insights"
    verbose_name = _("Insights")
