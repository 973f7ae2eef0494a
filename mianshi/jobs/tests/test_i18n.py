"""The Chinese catalogue is complete and used by default."""

from pathlib import Path

from django.test import Client
from django.utils import translation

from mianshi.jobs.tests.factories import make_model

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_catalogue_has_no_empty_or_fuzzy_entries():
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]
    assert entries and all('msgstr ""' not in e.splitlines()[-1] for e in entries if "msgid" in e)
    assert "#, fuzzy" not in text


def test_weight_sum_error_in_chinese(org, people, api_for, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    model = make_model(org.sh)
    with translation.override("zh-hans"):
        response = api_for(people.sh_hr).patch(
            f"/jobs/models/{model.pk}", {"dimensions": [{"name": "甲", "weight": 90}]}
        )
    assert response.status_code == 422 and "当前为 90%" in response.json()["detail"][0]["msg"]


def test_pages_render_in_chinese_by_default(org, people, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client = Client()
    client.force_login(people.sh_hr)
    with translation.override("zh-hans"):
        page = client.get("/jobs/questions/").content.decode()
    assert "题库" in page and "新建题目" in page
