"""What `make demo` prints last (`manage.py demo_summary`): URL, logins, candidate links."""

from io import StringIO

import pytest
from django.core.management import call_command

from mianshi.demo import data as demo_data

pytestmark = pytest.mark.django_db


def test_the_summary_has_the_url_the_logins_and_one_open_link_per_job(settings: object) -> None:
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_summary", stdout=out)
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0].startswith("Mianshi demo: http")
    assert demo_data.DEMO_PASSWORD in text
    for username, *_ in demo_data.USERS:
        assert any(line.split()[:1] == [username] for line in lines), username
    links = [line for line in lines if "/i/" in line]
    # One per pipeline job (the demo interviews' come with `demo_interviews`); never the
    # link of a finished interview.
    assert len(links) == 3, links
    # No interview recorded yet, so nobody hired: no employee page.
    assert "not recorded yet" in text and "/employees/" not in text
    assert len(lines) < 30
