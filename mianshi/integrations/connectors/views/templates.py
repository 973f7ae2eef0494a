"""The mapping-template editor: the JSON text, every problem by field, the version history,
and a preview on a real record of the unit (identifiers masked). Saving makes a new version;
a malformed template answers 422 with the problems and saves nothing."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mianshi.accounts.actor import AuthedHttpRequest
from mianshi.common.errors import DomainError
from mianshi.integrations.connectors import selectors as sel
from mianshi.integrations.connectors.forms import PreviewForm, TemplateForm
from mianshi.integrations.connectors.models import Connector
from mianshi.integrations.connectors.preview import preview_build
from mianshi.integrations.connectors.services import connectors as svc
from mianshi.integrations.connectors.transforms import transform_names
from mianshi.integrations.connectors.validation import adapter_for


def _kind(connector: Connector, kind: str) -> str:
    adapter = adapter_for(connector.adapter)
    if kind not in adapter.push_kinds | adapter.pull_kinds:
        raise Http404
    return kind


def _start_text(connector: Connector, kind: str, version: str) -> str:
    versions = sel.template_versions(connector=connector, kind=kind)
    chosen = (
        versions.filter(version=int(version)).first() if version.isdigit() else versions.first()
    )
    if chosen is not None:
        return json.dumps(chosen.body, ensure_ascii=False, indent=2)
    example = getattr(adapter_for(connector.adapter), "example_templates", {}).get(kind)
    base = example or {"version": 1, "kind": kind, "fields": {}}
    return json.dumps(base, ensure_ascii=False, indent=2)


def _page(
    request: AuthedHttpRequest, connector: Connector, kind: str, form: Any, status: int = 200
) -> HttpResponse:
    context = {
        "connector": connector, "kind": kind, "form": form, "preview_form": PreviewForm(),
        "versions": sel.template_versions(connector=connector, kind=kind),
        "transforms": transform_names(),
    }  # fmt: skip
    return render(request, "connectors/template_edit.html", context, status=status)


@login_required
def connector_template(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    connector = sel.connector_get(user=request.user, pk=pk)
    kind = _kind(connector, kind)
    if request.method != "POST":
        text = _start_text(connector, kind, request.GET.get("version", ""))
        return _page(request, connector, kind, TemplateForm(initial={"body": text}))
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            svc.template_create(
                actor=request.user, connector=connector, kind=kind, body=form.cleaned_data["body"],
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except (ValidationError, DomainError) as exc:
            _errors(form, exc)
        else:
            return redirect("integrations:connector_template", connector.pk, kind)
    return _page(request, connector, kind, form, status=422)


def _errors(form: TemplateForm, exc: ValidationError | DomainError) -> None:
    if isinstance(exc, DomainError):
        form.add_error(None, exc.message)
    elif hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error("body" if name in ("body", "kind") else None, errors)
    else:
        form.add_error("body", exc.messages)


@login_required
@require_POST
def connector_preview(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    connector = sel.connector_get(user=request.user, pk=pk)
    kind = _kind(connector, kind)
    form = PreviewForm(request.POST)
    if not form.is_valid():
        return render(request, "connectors/_preview.html", {"form": form}, status=422)
    body = request.POST.get("body") or None  # the editor's unsaved text, sent along by htmx
    shown = preview_build(
        user=request.user,
        connector=connector,
        kind=kind,
        object_id=form.cleaned_data["object_id"],
        body=body,
    )
    text = (
        json.dumps(shown.payload, ensure_ascii=False, indent=2) if shown.payload is not None else ""
    )
    return render(request, "connectors/_preview.html", {"preview": shown, "text": text})
