"""Account writes: login with lockout and TOTP, users, role grants, API keys (F-02, F-04).

Every write is audited with field names only: never a password, e-mail or name value.
"""

from mianshi.accounts.services.apikeys import apikey_create, apikey_revoke
from mianshi.accounts.services.login import (
    AccountLocked,
    SecondFactorRequired,
    totp_begin,
    totp_disable,
    totp_enable,
    user_login,
)
from mianshi.accounts.services.passwords import user_change_own_password
from mianshi.accounts.services.users import (
    grant_create,
    grant_revoke,
    user_activate,
    user_create,
    user_deactivate,
    user_set_password,
    user_unlock,
    user_update,
)

__all__ = [
    "AccountLocked",
    "SecondFactorRequired",
    "apikey_create",
    "apikey_revoke",
    "grant_create",
    "grant_revoke",
    "totp_begin",
    "totp_disable",
    "totp_enable",
    "user_activate",
    "user_change_own_password",
    "user_create",
    "user_deactivate",
    "user_login",
    "user_set_password",
    "user_unlock",
    "user_update",
]
