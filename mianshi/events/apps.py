from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "mianshi.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from mianshi.events.consumers import autodiscover

        # Each app that reacts to events says so in its own consumers.py (found like admin
        # modules): the outbox then knows, when an event is written, who must handle it.
        autodiscover()
