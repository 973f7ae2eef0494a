"""Every changed-field name the audit trail shows has a label in words (issue 14).

The names are collected from the source: every string in a `changed_fields=` argument of
the code base, following the local variables and module constants it is built from. Each
must be a model field with a translated name or have its label in compliance/actions.py
(FIELD_LABELS). A list built wholly at run time (from a form's data) is listed in
RUN_TIME: its names are the edited model's own fields.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from mianshi.compliance.actions import FIELD_LABELS, field_label
from mianshi.compliance.templatetags.audit_labels import changed_field_labels

ROOT = Path(__file__).resolve().parents[3]
# (file, expression) of lists built from the caller's data: a form's or API's own fields.
RUN_TIME = {
    ("mianshi/integrations/automation/services/rules.py", "changed"),
    ("mianshi/integrations/connectors/services/connectors.py", "changed"),
    ("mianshi/integrations/webhooks/services/endpoints.py", "list(data)"),
    ("mianshi/interviews/services/submissions.py", "fields"),
    ("mianshi/jobs/services/questions.py", "changed"),
    ("mianshi/reviews/services/offers.py", "fields"),
    ("mianshi/compliance/services.py", "sorted(set(changed_fields))"),  # audit_record itself
    ("mianshi/recruitment/services/panels.py", "fields"),  # the examiner's own fields
    ("mianshi/recruitment/services/screening.py", "changed"),  # ApplicantFacts' own fields
    # Parameters' and PostRules' keys, each labelled in FIELD_LABELS (checked below).
    ("mianshi/recruitment/services/plans.py", "changed"),
}


def _strings(
    expr: ast.AST, func: ast.AST, constants: dict[str, ast.expr], seen: set[str]
) -> Iterator[str]:
    """The strings in `expr` and in what its names were assigned (locally or at the top)."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
            yield node.value
        elif isinstance(node, ast.Name) and node.id not in seen:
            seen.add(node.id)
            for value in _assigned(func, node.id):
                yield from _strings(value, func, constants, seen)
            if node.id in constants:
                yield from _strings(constants[node.id], func, constants, seen)


def _assigned(func: ast.AST, name: str) -> Iterator[ast.expr]:
    for node in ast.walk(func):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and node.value:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                yield node.value


def _collected() -> tuple[set[str], set[tuple[str, str]]]:
    """(names written, call sites whose names are only known at run time)."""
    names: set[str] = set()
    unknown: set[tuple[str, str]] = set()
    for path in sorted((ROOT / "mianshi").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/tests/" in relative or "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {t.id: n.value for n in tree.body if isinstance(n, ast.Assign)
                     for t in n.targets if isinstance(t, ast.Name)}  # fmt: skip
        for func in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for call in (n for n in ast.walk(func) if isinstance(n, ast.Call)):
                for keyword in (k for k in call.keywords if k.arg == "changed_fields"):
                    found = set(_strings(keyword.value, func, constants, set()))
                    names |= found
                    if not found:
                        unknown.add((relative, ast.unparse(keyword.value)))
    return names, unknown


def _translated_fields() -> set[str]:
    """Names of model fields whose verbose name is translatable (not made up from the code)."""
    return {
        f.name
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if getattr(f, "concrete", False) and isinstance(getattr(f, "verbose_name", None), Promise)
    }


def test_every_changed_field_name_written_has_a_label() -> None:
    names, unknown = _collected()
    assert unknown <= RUN_TIME, f"a list only known at run time: add it to RUN_TIME {unknown}"
    assert len(names) > 80  # the collector still finds the code base's calls
    missing = sorted(names - _translated_fields() - FIELD_LABELS.keys())
    assert not missing, f"add a label to FIELD_LABELS in compliance/actions.py for {missing}"


def test_the_names_issue_14_found_raw_read_as_words() -> None:
    with translation.override("en"):
        assert field_label("candidates.candidate", "id_number") == "ID number"
        assert field_label("candidates.candidate", "phone") == "phone"
        assert field_label("candidates.candidate", "email") == "e-mail"
        assert field_label("interviews.interviewsession", "consents") == "consents"
        assert field_label("jobs.interviewtemplate", "questions") == "questions"
        assert field_label("reviews.rating", "scores") == "scores"
        # a model's own field keeps its specific name; an unknown name shows as written
        assert field_label("candidates.application", "stage") == "stage"
        assert field_label("accounts.user", "email") == "email address"
        assert field_label("x.y", "no_such_field") == "no_such_field"


def test_the_trail_shows_an_events_changed_fields_by_label() -> None:
    class Event:
        object_type = "candidates.candidate"
        changed_fields = ["phone", "name"]

    with translation.override("en"):
        assert changed_field_labels(Event()) == ["phone", "name"]
    with translation.override("zh-hans"):  # the model's translated field; FIELD_LABELS' own
        assert changed_field_labels(Event())[1] != "name"


def test_a_plans_parameters_and_a_posts_rules_are_labelled() -> None:
    """Plan and post changes name JSON keys (services/plans.py): each needs its label."""
    from dataclasses import fields

    from mianshi.recruitment.parameters import Parameters
    from mianshi.recruitment.qualification import PostRules

    names = {f.name for f in fields(Parameters)} | {f.name for f in fields(PostRules)}
    assert names - set(FIELD_LABELS) == set()
