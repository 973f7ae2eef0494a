"""A locality's own major catalogue (MIANSHI_MAJOR_CATALOGUE): the rules read it instead of
the shipped one, and a file that cannot be used is named by `manage.py check` at start."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from mianshi.recruitment.checks import major_catalogue_check
from mianshi.recruitment.models import Post, Screening
from mianshi.recruitment.selectors import major_catalogue
from mianshi.recruitment.services.screening import screening_run
from mianshi.recruitment.tests.world import recruitment_world

pytestmark = pytest.mark.django_db

LOCAL = {"categories": [{"name": "公共管理类", "majors": [
    {"name": "行政管理", "aliases": ["行管"]}, {"name": "公共事业管理", "aliases": []},
]}]}  # fmt: skip


def _file(folder: Path, content: str) -> str:
    path = folder / "majors.json"
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_the_shipped_catalogue_is_read_when_none_is_configured(settings: Any) -> None:
    settings.MAJOR_CATALOGUE = ""
    assert major_catalogue().major("计算机科学与技术") == "计算机科学与技术"
    assert major_catalogue_check() == []


def test_a_configured_catalogue_is_the_one_the_rules_read(
    settings: Any, tmp_path: Path, org: Any, make_user: Any
) -> None:
    settings.MAJOR_CATALOGUE = _file(tmp_path, json.dumps(LOCAL, ensure_ascii=False))
    world = recruitment_world(org, make_user)
    Post.objects.filter(pk=world.post.pk).update(rules={"majors": ["公共管理类"]})
    world.post.refresh_from_db()
    alias, shipped_only = world.apply("甲", major="行管"), world.apply("乙", major="软件工程")
    with translation.override("zh-hans"):
        screening_run(actor=world.hr, post=world.post)
    assert Screening.objects.get(application=alias).passed is True
    refused = Screening.objects.get(application=shipped_only)
    assert refused.passed is False and "不在专业目录中" in refused.results[0]["reason"]
    assert major_catalogue_check() == []


@pytest.mark.parametrize(
    "content", ["{not json", json.dumps({"categories": "行政管理"}), json.dumps([1, 2])]
)
def test_a_file_that_cannot_be_used_fails_the_check_with_its_name(
    settings: Any, tmp_path: Path, content: str
) -> None:
    settings.MAJOR_CATALOGUE = _file(tmp_path, content)
    (error,) = major_catalogue_check()
    assert error.id == "recruitment.E001" and "MIANSHI_MAJOR_CATALOGUE" in (error.hint or "")


def test_a_missing_file_fails_the_check(settings: Any, tmp_path: Path) -> None:
    settings.MAJOR_CATALOGUE = str(tmp_path / "nowhere.json")
    (error,) = major_catalogue_check()
    assert "nowhere.json" in error.msg
