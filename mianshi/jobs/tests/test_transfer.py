"""Import/export (F-15): round trips in every format, all-or-nothing imports, clear refusals."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from mianshi.jobs.models import CompetencyModel, Question
from mianshi.jobs.services import RubricInput, question_input_from
from mianshi.jobs.tests.factories import make_model, make_question
from mianshi.jobs.transfer.files import MAX_IMPORT_BYTES
from mianshi.jobs.transfer.questions import BASE_COLUMNS


def upload(api, kind, unit, name, content):
    return api.client.post(
        f"/api/jobs/{kind}/import",
        {"org_unit_id": unit.pk, "file": SimpleUploadedFile(name, content)},
    )


def bank_state(unit):
    return sorted(repr(question_input_from(q)) for q in Question.objects.filter(org_unit=unit))


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_question_bank_round_trip(fmt, org, people, api_for):
    make_question(org.sh, reference_answer="以客户为中心", tags=["销售", "=SUM(A1)"])
    make_question(
        org.sh,
        type="skills_demo",
        screen_share=True,
        language="en",
        text="Demo your spreadsheet skills",
        answer_seconds=600,
        rubric=[RubricInput(5, "expert", ["pivot", "VLOOKUP"])],
    )
    make_question(
        org.sh,
        type="self_intro",
        text="请做一个两分钟的自我介绍",
        answer_seconds=120,
        is_active=False,
        dimension_codes=[],
    )
    api = api_for(people.sh_hr)
    exported = api.get("/jobs/questions/export", format=fmt)
    assert exported.status_code == 200 and exported["Content-Disposition"].endswith(f'.{fmt}"')
    response = upload(api, "questions", org.sh_sales, f"bank.{fmt}", exported.content)
    assert response.status_code == 201, response.content
    assert response.json()["created"] == 3
    assert bank_state(org.sh_sales) == bank_state(org.sh)


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_competency_model_round_trip(fmt, org, people, api_for, login):
    make_model(org.sh, name="销售模型")
    api = api_for(people.sh_hr)
    exported = login(people.sh_hr).get(f"/jobs/models/export/?format={fmt}")
    assert exported.status_code == 200
    api.delete(f"/jobs/models/{CompetencyModel.objects.get().pk}")
    response = upload(api, "models", org.sh, f"models.{fmt}", exported.content)
    assert response.status_code == 201, response.content
    model = CompetencyModel.objects.get(name="销售模型")
    comm = model.dimensions.get(code="communication")
    assert comm.weight == 30 and [c.code for c in comm.children.all()] == [
        "logic",
        "rapport",
        "listening",
    ]
    assert model.dimensions.count() == 6


def csv_bytes(rows, encoding="utf-8"):
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=[*BASE_COLUMNS, "level_3_description", "level_3_keywords"],
        extrasaction="ignore",
    )
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


GOOD = {
    "type": "behavioural",
    "text": "讲一次团队冲突",
    "answer_seconds": "120",
    "level_3_description": "完整",
    "level_3_keywords": "冲突；沟通",
}


def test_one_bad_row_saves_nothing_and_is_reported(org, people, api_for):
    rows = [GOOD, {**GOOD, "answer_seconds": "abc"}, GOOD, {**GOOD, "type": "skills_demo"}]
    response = upload(api_for(people.sh_hr), "questions", org.sh, "bank.csv", csv_bytes(rows))
    assert response.status_code == 422
    messages = [d["msg"] for d in response.json()["detail"]]
    assert any("3" in m and "answer_seconds" in m for m in messages), messages
    assert any("5" in m and "screen_share" in m for m in messages), messages
    assert len(messages) == 2 and not Question.objects.exists()


def test_gb18030_csv_and_type_labels_are_understood(org, people, api_for):
    rows = [
        {**GOOD, "type": "自我介绍", "answer_seconds": "90"},
        {**GOOD, "type": "Situational simulation"},
    ]
    response = upload(
        api_for(people.sh_hr), "questions", org.sh, "bank.csv", csv_bytes(rows, "gb18030")
    )
    assert response.status_code == 201, response.content
    assert sorted(Question.objects.values_list("type", flat=True)) == ["self_intro", "situational"]
    assert Question.objects.get(type="self_intro").rubric_levels.get().keywords == ["冲突", "沟通"]


def test_model_rows_with_a_wrong_sum_save_nothing(org, people, api_for):
    book = Workbook()
    sheet = book.active
    sheet.append(["model", "code", "name", "weight", "parent"])
    sheet.append(["好模型", "a", "甲", 100, None])
    sheet.append(["坏模型", "a", "甲", 60, None])
    sheet.append(["坏模型", "b", "乙", 30, None])
    sheet.append(["坏模型", "c", "丙", None, "zz"])
    out = io.BytesIO()
    book.save(out)
    response = upload(api_for(people.sh_hr), "models", org.sh, "m.xlsx", out.getvalue())
    assert response.status_code == 422
    text = json.dumps(response.json(), ensure_ascii=False)
    assert "90" in text and "坏模型" in text and "zz" in text
    assert not CompetencyModel.objects.exists()


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("bank.pdf", b"%PDF-1.4", ".json, .csv or .xlsx"),
        ("bank.xlsx", b"type,text\n", "does not match"),
        ("bank.csv", b"PK\x03\x04rest", "does not match"),
        ("bank.json", b"{broken", "not valid JSON"),
        ("bank.json", b'{"questions": 3}', "list of questions"),
        ("bank.json", b"   ", "empty"),
        ("bank.csv", b"x" * (MAX_IMPORT_BYTES + 1), "5 MB"),
        ("bank.xlsx", b"PK\x03\x04 not really a zip", "Excel"),
        ("bank.json", b'{"questions": []}', "no questions"),
    ],
)
def test_bad_files_are_refused_clearly(org, people, api_for, name, content, fragment, settings):
    settings.LANGUAGE_CODE = "en"
    response = upload(api_for(people.sh_hr), "questions", org.sh, name, content)
    assert response.status_code == 422, response.content
    assert fragment in response.json()["detail"][0]["msg"]


def test_json_item_errors_name_the_item(org, people, api_for):
    doc = {
        "questions": [
            {"type": "behavioural", "text": "好", "rubric": [{"level": 1, "description": "x"}]},
            {
                "type": "behavioural",
                "text": "坏",
                "prep_seconds": "ten",
                "rubric": [{"level": 1, "description": "x"}],
            },
        ]
    }
    response = upload(
        api_for(people.sh_hr), "questions", org.sh, "b.json", json.dumps(doc).encode()
    )
    assert response.status_code == 422 and "2" in response.json()["detail"][0]["msg"]
    assert "prep_seconds" in response.json()["detail"][0]["msg"] and not Question.objects.exists()


def test_ui_import_shows_errors_and_succeeds(org, people, login):
    client = login(people.sh_hr)
    bad = SimpleUploadedFile("bank.csv", csv_bytes([{**GOOD, "text": ""}]))
    response = client.post("/jobs/questions/import/", {"org_unit": org.sh.pk, "file": bad})
    assert response.status_code == 200 and response.context["form"].errors["file"]
    good = SimpleUploadedFile("bank.csv", csv_bytes([GOOD, GOOD]))
    response = client.post("/jobs/questions/import/", {"org_unit": org.sh.pk, "file": good})
    assert response.status_code == 302 and Question.objects.count() == 2


def test_import_into_a_foreign_unit_is_refused(org, people, api_for):
    response = upload(api_for(people.sz_hr), "questions", org.sh, "bank.csv", csv_bytes([GOOD]))
    # A unit outside the user's is answered as an unknown one (a 422), never a 403 that
    # would confirm it exists.
    assert response.status_code == 422 and not Question.objects.exists()


def test_xlsx_export_keeps_text_starting_with_equals_as_text(org, people, api_for):
    make_question(org.sh, text="=1+1 是多少？")
    content = api_for(people.sh_hr).get("/jobs/questions/export", format="xlsx").content
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=2, column=3).value == "=1+1 是多少？"
