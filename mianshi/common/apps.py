from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "mianshi.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from mianshi.common import checks  # noqa: F401 (registers the deploy checks)
        from mianshi.common.middleware import session_stamp

        # Session plumbing, like Django's own update_last_login: the idle clock starts at
        # sign-in, however the user signed in (login form, second factor, test client).
        user_logged_in.connect(session_stamp, dispatch_uid="mianshi.session_stamp")
