from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "mianshi.integrations.connectors"
    label = "connectors"
    verbose_name = _("EHR connectors")

    def ready(self) -> None:
        # pulled applications need their importer registered before the first pull
        from mianshi.integrations.connectors import pull_importers  # noqa: F401
