"""The generic SOAP/XML adapter (金蝶 s-HR, 泛微 and other Web-Service EHRs).

A push fills the body template with the mapped record, wraps it in a SOAP 1.1 or 1.2
envelope (SOAPAction header, or the `action` parameter of 1.2's content type), adds Basic
or a WS-Security UsernameToken, and reads the partner's id from the answer by XPath
with the namespaces the connector declares. A SOAP Fault becomes an AdapterError with its
faultstring, whatever HTTP status carried it.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from mianshi.integrations.connectors.adapters.rest import auth, http
from mianshi.integrations.connectors.adapters.soap import envelope
from mianshi.integrations.connectors.protocol import Context, Field, Page, PushResult


def _opt(name: str, label: Any, secret: bool = False) -> Field:
    return Field(name, label, secret=secret, required=False)


class SoapAdapter:
    """Pushes the mapped record as a SOAP request built from a body template."""

    key = "soap"
    label: str | Promise = gettext_lazy("Generic SOAP/XML")
    settings_fields = [
        Field("url", gettext_lazy("Service endpoint URL")),
        Field("body_template", gettext_lazy("Body element template with {placeholders}")),
        _opt("soap_version", gettext_lazy("SOAP version: 1.1 or 1.2")),
        _opt("soap_action", gettext_lazy("SOAPAction")),
        _opt("auth", gettext_lazy("Authentication: none, basic or wsse")),
        _opt("id_xpath", gettext_lazy("XPath to the partner's id in the answer")),
        _opt("namespaces", gettext_lazy('Namespaces for XPath, JSON: {"prefix": "uri"}')),
        _opt("wsdl_url", gettext_lazy("WSDL URL for “test connection” (default url?wsdl)")),
    ]
    credential_fields = [
        _opt("username", gettext_lazy("User name")),
        _opt("password", gettext_lazy("Password"), secret=True),
    ]
    push_kinds = frozenset({"assessment", "candidate", "employee", "application", "post_hire"})
    pull_kinds: frozenset[str] = frozenset()

    def check(self, ctx: Context) -> None:
        """The settings parse, and the service answers for its WSDL (what a SOAP client
        fetches first; s-HR and 泛微 serve it at `?wsdl`)."""
        _version(ctx)
        _id_xpath(ctx)
        _body(ctx, {}, probe=True)
        url = str(ctx.settings.get("wsdl_url") or f"{ctx.settings.get('url') or ''}?wsdl")
        resp = http.send(ctx, "GET", url, headers=_basic(ctx, _auth(ctx)))
        http.check_status(resp)
        try:
            name = etree.QName(envelope.parse(resp.content)).localname
        except ValueError as exc:
            raise http.malformed(str(exc)) from None
        if name not in ("definitions", "description"):
            raise http.malformed(_("the service did not answer with a WSDL"))

    def push(self, ctx: Context, kind: str, payload: dict[str, Any]) -> PushResult:
        version, mode, find_id = _version(ctx), _auth(ctx), _id_xpath(ctx)
        user = ctx.credentials.get("username", "") if mode == "wsse" else ""
        password = ctx.credentials.get("password", "")
        xml = envelope.build(version, _body(ctx, {**payload, "kind": kind}), user, password)
        url, headers = str(ctx.settings.get("url") or ""), _headers(ctx, version, mode)
        resp = http.send(ctx, "POST", url, data=xml, headers=headers)
        root = _answer(resp)
        external_id = _id(find_id, root, resp) if find_id is not None else ""
        return PushResult(external_id=external_id, excerpt=http.excerpt(resp.content))

    def pull(self, ctx: Context, kind: str, cursor: str) -> Page:
        raise http.bad_settings(_("SOAP records are not pulled"))


def _version(ctx: Context) -> str:
    version = str(ctx.settings.get("soap_version") or "1.1")
    if version not in ("1.1", "1.2"):
        raise http.bad_settings(_("the SOAP version must be 1.1 or 1.2"))
    return version


def _auth(ctx: Context) -> str:
    mode = str(ctx.settings.get("auth") or "none")
    if mode not in ("none", "basic", "wsse"):
        raise http.bad_settings(_("SOAP authentication must be none, basic or wsse"))
    if mode != "none" and not ctx.credentials.get("username"):
        raise http.bad_settings(_("the credential “%(name)s” is missing") % {"name": "username"})
    return mode


def _body(ctx: Context, values: dict[str, Any], probe: bool = False) -> etree._Element:
    """The filled template as an element; with `probe`, placeholders become empty so
    `check` can tell whether the template is well-formed XML."""
    template = str(ctx.settings.get("body_template") or "")
    text = envelope.PLACEHOLDER.sub("", template) if probe else envelope.fill(template, values)
    try:
        return envelope.parse(text)
    except ValueError as exc:
        msg = _("the body template is not XML: %(reason)s") % {"reason": exc}
        raise http.bad_settings(msg) from None


def _headers(ctx: Context, version: str, mode: str) -> dict[str, str]:
    action = str(ctx.settings.get("soap_action") or "")
    if version == "1.2":
        kind = "application/soap+xml; charset=utf-8"
        headers = {"Content-Type": kind + (f'; action="{action}"' if action else "")}
    else:
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action}"'}
    return {**headers, **_basic(ctx, mode)}


def _basic(ctx: Context, mode: str) -> dict[str, str]:
    if mode != "basic":
        return {}
    user, password = ctx.credentials.get("username", ""), ctx.credentials.get("password", "")
    return {"Authorization": auth.basic(user, password)}


def _answer(resp: requests.Response) -> etree._Element:
    """The answer's envelope; a Fault is raised before the HTTP status is looked at, since
    SOAP carries faults under 500 (1.1) or 400/500 (1.2)."""
    try:
        root = envelope.parse(resp.content) if resp.content.strip() else None
    except ValueError as exc:
        root, reason = None, str(exc)
    else:
        reason = _("empty answer")
    if root is not None and (fault := envelope.fault_error(root)) is not None:
        raise fault
    http.check_status(resp)
    if root is None:
        raise http.malformed(f"{reason}: {http.excerpt(resp.content)}")
    return root


def _namespaces(ctx: Context) -> dict[str, str]:
    raw = ctx.settings.get("namespaces") or {}
    try:
        namespaces = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        namespaces = None
    if not isinstance(namespaces, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in namespaces.items()
    ):
        raise http.bad_settings(_("the namespaces must be a JSON object of prefix → URI"))
    return namespaces


def _id_xpath(ctx: Context) -> etree.XPath | None:
    """The id XPath compiled before anything is sent, so a typo costs no request."""
    path = str(ctx.settings.get("id_xpath") or "")
    if not path:
        return None
    try:
        return etree.XPath(path, namespaces=_namespaces(ctx))
    except etree.XPathError as exc:
        msg = _("“%(path)s” is not an XPath (%(reason)s)") % {"path": path, "reason": exc}
        raise http.bad_settings(msg) from None


def _id(find: etree.XPath, root: etree._Element, resp: requests.Response) -> str:
    try:
        found = find(root)
    except etree.XPathError as exc:  # e.g. a prefix the namespaces do not declare
        msg = _("“%(path)s” is not an XPath (%(reason)s)") % {"path": find.path, "reason": exc}
        raise http.bad_settings(msg) from None
    value = found[0] if isinstance(found, list) and found else found
    text = value.text if isinstance(value, etree._Element) else value
    if text in (None, "", []):
        msg = _("no id at %(path)s in %(answer)s")
        raise http.malformed(msg % {"path": find.path, "answer": http.excerpt(resp.content)})
    return str(text).strip()
