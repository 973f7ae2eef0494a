from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    name = "mianshi.candidates"
    label = "candidates"
    verbose_name = _("Candidates")
