"""Users of the jobs tests: HR in Shanghai and Shenzhen, a read-only manager, an HQ admin."""

from dataclasses import dataclass
from typing import Any

import pytest

from mianshi.accounts.models import User
from mianshi.accounts.roles import Role


@dataclass
class People:
    sh_hr: User
    sz_hr: User
    sh_manager: User
    hq_admin: User


@pytest.fixture
def people(org: Any, make_user: Any) -> People:
    return People(
        sh_hr=make_user("sh_hr", Role.HR, org.sh),
        sz_hr=make_user("sz_hr", Role.HR, org.sz),
        sh_manager=make_user("sh_mgr", Role.DEPT_MANAGER, org.sh),
        hq_admin=make_user("hq_admin", Role.HR_ADMIN, org.hq),
    )


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """Assertions read English source strings; test_i18n checks the Chinese catalogue."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
