"""HR forms of the jobs app; they parse input, the services judge it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import fields_for_model, formset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from mianshi.accounts.actor import Actor
from mianshi.jobs import selectors
from mianshi.jobs.models import AnswerType, Job, JobStatus, Question, QuestionType
from mianshi.jobs.services import (
    DimensionInput,
    QuestionInput,
    RubricInput,
    choices_from_text,
    choices_to_text,
)

JOB_FIELDS = [
    "title",
    "description",
    "education",
    "majors",
    "certificates",
    "min_years",
    "headcount",
    "status",
    "competency_model",
    "interview_template",
    # What invitations for this job say and how long their links stay valid (F-30).
    "invitation_hours",
    "invitation_instructions",
    "required_materials",
    # How the final interview score is formed, and what a "second round" decision invites to.
    "score_policy",
    "second_round_template",
]
QUESTION_FIELDS = [
    "type",
    "language",
    "text",
    "answer_type",
    "prep_seconds",
    "answer_seconds",
    "max_retakes",
    "screen_share",
    "reference_answer",
    "is_active",
]


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError beside the matching field (or on top of the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class UnitMixin:
    """Adds the owner-unit choice (units the user manages) to a creation form."""

    def add_unit_field(self, user: Actor) -> None:
        self.fields["org_unit"] = forms.ModelChoiceField(  # type: ignore[attr-defined]
            queryset=selectors.manageable_units(user=user), label=_("Owner unit")
        )


class JobForm(UnitMixin, forms.Form):
    def __init__(self, *args: Any, user: Actor, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.add_unit_field(user)
        self.fields.update(fields_for_model(Job, fields=JOB_FIELDS))
        self.fields["competency_model"].queryset = selectors.competency_model_list_for(user=user)  # type: ignore[attr-defined]
        self.fields["interview_template"].queryset = selectors.template_list_for(user=user)  # type: ignore[attr-defined]
        self.fields["second_round_template"].queryset = selectors.template_list_for(user=user)  # type: ignore[attr-defined]
        # Left out (an older client), these keep their current or default value.
        self.fields["invitation_hours"].required = False
        self.fields["score_policy"].required = False

    def clean_invitation_hours(self) -> int:
        value = self.cleaned_data.get("invitation_hours")
        if value is None:
            return int(self.initial.get("invitation_hours") or Job().invitation_hours)
        return int(value)

    def clean_score_policy(self) -> str:
        value = self.cleaned_data.get("score_policy")
        return str(value or self.initial.get("score_policy") or Job().score_policy)


class JobFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("All")), *JobStatus.choices]
    )


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))


# Competency models --------------------------------------------------------------------


class CompetencyModelForm(UnitMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, user: Actor, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.add_unit_field(user)


class TableRowForm(forms.Form):
    """A formset row shown as table cells: the column header is the only visible label, so
    each input carries it as its accessible name (WCAG 1.3.1 / 4.1.2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))


class DimensionRowForm(TableRowForm):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    code = forms.CharField(label=_("Code"), max_length=60, required=False)
    weight = forms.DecimalField(
        label=_("Weight (%)"), required=False, max_digits=5, decimal_places=2
    )
    parent = forms.CharField(label=_("Sub-item of (code)"), max_length=60, required=False)
    description = forms.CharField(label=_("Description"), required=False)


DimensionFormSet = formset_factory(DimensionRowForm, extra=3)


def dimensions_from_formset(formset: Any) -> list[DimensionInput]:
    """Rows → a tree: a row naming a parent code becomes a sub-item of that dimension."""
    top: list[DimensionInput] = []
    by_code: dict[str, DimensionInput] = {}
    for row in formset.cleaned_data:
        if not row or not (row.get("name") or "").strip():
            continue
        dim = DimensionInput(
            row["name"], row.get("weight"), row.get("code") or "", row.get("description") or ""
        )
        parent = (row.get("parent") or "").strip()
        if parent:
            if parent not in by_code:
                raise ValidationError(
                    {
                        "dimensions": _("No dimension above has the code %(code)s.")
                        % {"code": parent}
                    }
                )
            by_code[parent].children.append(dim)
        else:
            top.append(dim)
            by_code[dim.code or slugify(dim.name, allow_unicode=True)] = dim
    return top


def dimension_initial(model: Any) -> list[dict[str, Any]]:
    rows = []
    for d in selectors.dimension_tree(model):
        rows.append(
            {
                "name": d.name,
                "code": d.code,
                "weight": d.weight,
                "parent": "",
                "description": d.description,
            }
        )
        rows += [
            {
                "name": c.name,
                "code": c.code,
                "weight": c.weight,
                "parent": d.code,
                "description": c.description,
            }
            for c in d.children.all()
        ]
    return rows


# Questions ----------------------------------------------------------------------------


class QuestionForm(UnitMixin, forms.Form):
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by ; or ，"))
    dimension_codes = forms.CharField(
        label=_("Dimension codes"),
        required=False,
        help_text=_("Codes of the competency dimensions this question measures, separated by ;"),
    )

    def __init__(self, *args: Any, user: Actor, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.add_unit_field(user)
        self.fields.update(fields_for_model(Question, fields=QUESTION_FIELDS))
        # Older clients and scripts post no answer type: they mean the default, video.
        self.fields["answer_type"].required = False
        # Right after the answer type it belongs to; the service judges the options.
        self.fields["choices"] = forms.CharField(
            label=_("Options (multiple choice)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 5, "data-choices": ""}),
            help_text=_("One option per line, written as “A. text”; 2 to 10 options."),
        )
        order = [*self.fields][: [*self.fields].index("answer_type") + 1]
        self.order_fields([*order, "choices"])
        language = self.data.get("language") or self.initial.get("language")
        if language:  # the text is in the question's language, not the UI's (WCAG 3.1.2)
            for name in ("text", "reference_answer"):
                if name in self.fields:
                    self.fields[name].widget.attrs["lang"] = language


class RubricRowForm(TableRowForm):
    level = forms.IntegerField(label=_("Level"), min_value=1, max_value=10, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    keywords = forms.CharField(
        label=_("Expected keywords"), required=False, help_text=_("Separated by ; or ；")
    )

    def __init__(self, *args: Any, language: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if language:  # written in the question's language, not the UI's (WCAG 3.1.2)
            for name in ("description", "keywords"):
                self.fields[name].widget.attrs["lang"] = language


RubricFormSet = formset_factory(RubricRowForm, extra=1)


def question_input_from_forms(form: QuestionForm, rubric: Any) -> QuestionInput:
    data = {name: form.cleaned_data[name] for name in QUESTION_FIELDS}
    data["answer_type"] = data["answer_type"] or AnswerType.VIDEO
    levels = [
        RubricInput(row["level"], row.get("description") or "", row.get("keywords") or "")  # type: ignore[arg-type]
        for row in rubric.cleaned_data
        if row and (row.get("level") or (row.get("description") or "").strip())
    ]
    return QuestionInput(
        **data,
        choices=choices_from_text(form.cleaned_data["choices"]),
        tags=form.cleaned_data["tags"],
        dimension_codes=form.cleaned_data["dimension_codes"],
        rubric=levels,
    )


def question_initial(question: Question) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    initial = {name: getattr(question, name) for name in QUESTION_FIELDS}
    initial["tags"], initial["dimension_codes"] = (
        "; ".join(question.tag_list),
        "; ".join(question.dimension_codes),
    )
    initial["choices"] = choices_to_text(question.choices)
    rubric = [
        {"level": r.level, "description": r.description, "keywords": "; ".join(r.keywords)}
        for r in question.rubric_levels.all()
    ]
    return initial, rubric


NEW_RUBRIC = [
    {"level": 3, "description": _("Full key behavioural event: situation, action and result.")},
    {"level": 2, "description": _("Partial event: some elements are missing.")},
    {"level": 1, "description": _("No concrete event.")},
]


class QuestionFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"))
    type = forms.ChoiceField(
        required=False, label=_("Type"), choices=[("", _("All")), *QuestionType.choices]
    )
    tag = forms.CharField(required=False, label=_("Tag"))
    dimension = forms.CharField(required=False, label=_("Dimension code"))


# Templates ----------------------------------------------------------------------------


class OrderedIdsField(forms.Field):
    """Repeated hidden inputs name=question, in the order the page lists them."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return [int(v) for v in value or []]
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Invalid question list.")) from exc


class QuestionOptions(forms.SelectMultiple):
    """Each question offered in its own language (lang=), as screen readers need it."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        question = getattr(option["value"], "instance", None)
        if question is not None:
            option["attrs"]["lang"] = question.language
        return option


class TemplateForm(UnitMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    job = forms.ModelChoiceField(queryset=Job.objects.none(), required=False, label=_("Job"))
    competency_model = forms.ModelChoiceField(
        queryset=Job.objects.none(), required=False, label=_("Competency model")
    )
    question = OrderedIdsField(required=False)
    add_questions = forms.ModelMultipleChoiceField(
        queryset=Question.objects.none(),
        required=False,
        label=_("Add questions"),
        widget=QuestionOptions,
    )

    def __init__(self, *args: Any, user: Actor, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            self.add_unit_field(user)
        self.fields["job"].queryset = selectors.job_list_for(user=user)  # type: ignore[attr-defined]
        self.fields["competency_model"].queryset = selectors.competency_model_list_for(user=user)  # type: ignore[attr-defined]
        self.fields["add_questions"].queryset = selectors.question_list_for(user=user, active=True)  # type: ignore[attr-defined]

    def question_ids(self) -> list[int]:
        ids = list(self.cleaned_data.get("question") or [])
        ids += [q.pk for q in self.cleaned_data.get("add_questions") or [] if q.pk not in ids]
        return ids


# Import -------------------------------------------------------------------------------


class ImportForm(UnitMixin, forms.Form):
    file = forms.FileField(label=_("File (.json, .csv or .xlsx)"))

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_unit_field(user)
