"""SOAP envelopes built from a body template, and answers read without trusting them.

The body template is the partner's request element with `{name}` / `{a.b}` placeholders;
every value is XML-escaped before it goes in, so a candidate called `</Name><Id>1</Id>`
stays text. Nothing is parsed with entity resolution, DTD loading or network access:
an answer (or a template) with a DOCTYPE is refused outright, which rules out XXE and
entity-expansion bombs whatever the parser's defaults. WS-Security UsernameToken with a
PasswordText password follows the OASIS WSS 1.0 UsernameToken Profile.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from lxml import etree

from mianshi.integrations.connectors.adapters.rest import http
from mianshi.integrations.connectors.protocol import AdapterError

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/"
    "oasis-200401-wss-username-token-profile-1.0#PasswordText"
)
# WSS 1.0 §12 fault codes: the partner refused our security token
WSSE_FAULTS = {"FailedAuthentication", "InvalidSecurity", "InvalidSecurityToken", "FailedCheck"}
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\}")


def parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def fill(template: str, values: Mapping[str, Any]) -> str:
    """The template with each placeholder replaced by its escaped value."""

    def value_of(match: re.Match[str]) -> str:
        value: Any = values
        for part in match.group(1).split("."):
            if isinstance(value, Mapping) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                msg = _("the body needs “%(name)s”, which the record does not have")
                raise http.bad_settings(msg % {"name": match.group(1)})
        return escape(_text(value), {'"': "&quot;", "'": "&apos;"})

    return PLACEHOLDER.sub(value_of, template)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # xsd:boolean
    return str(value)


def parse(content: bytes | str) -> etree._Element:
    """A document parsed safely; ValueError for bad XML or any DOCTYPE."""
    raw = content.encode() if isinstance(content, str) else content
    try:
        tree = etree.fromstring(raw, parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(str(exc)) from None
    if tree.getroottree().docinfo.doctype:
        raise ValueError(_("a DOCTYPE is not accepted"))
    return tree


def build(version: str, body: etree._Element, username: str = "", password: str = "") -> bytes:
    """The envelope around `body`, with a UsernameToken header when a user is given."""
    ns = SOAP12 if version == "1.2" else SOAP11
    env = etree.Element(f"{{{ns}}}Envelope", nsmap={"soap": ns})
    if username:
        header = etree.SubElement(env, f"{{{ns}}}Header")
        security = etree.SubElement(header, f"{{{WSSE}}}Security", nsmap={"wsse": WSSE})
        security.set(f"{{{ns}}}mustUnderstand", "true" if version == "1.2" else "1")
        token = etree.SubElement(security, f"{{{WSSE}}}UsernameToken")
        etree.SubElement(token, f"{{{WSSE}}}Username").text = username
        secret = etree.SubElement(token, f"{{{WSSE}}}Password", Type=PASSWORD_TEXT)
        secret.text = password
    etree.SubElement(env, f"{{{ns}}}Body").append(body)
    return bytes(etree.tostring(env, xml_declaration=True, encoding="utf-8"))


def _fault_parts(root: etree._Element) -> tuple[list[str], str] | None:
    """The fault's codes (1.2: Value and Subcode values) and its reason text."""
    fault = root.find(f".//{{{SOAP11}}}Fault")
    if fault is not None:
        return [fault.findtext("faultcode") or ""], fault.findtext("faultstring") or ""
    fault = root.find(f".//{{{SOAP12}}}Fault")
    if fault is None:
        return None
    codes = [v.text or "" for v in fault.iter(f"{{{SOAP12}}}Value")]
    return codes, fault.findtext(f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text") or ""


def fault_error(root: etree._Element) -> AdapterError | None:
    """The AdapterError a SOAP Fault in `root` means, None when there is none. Server /
    Receiver faults may succeed later (SOAP 1.1 §4.4.1, 1.2 §5.4.6) and are retried."""
    parts = _fault_parts(root)
    if parts is None:
        return None
    codes, reason = parts
    names = [code.strip().rpartition(":")[2] for code in codes]
    said = f"{codes[0].strip()} {reason.strip()}".strip()
    if any(name in WSSE_FAULTS for name in names):
        return http.credentials_refused(said)
    if names and names[0].split(".")[0] in ("Server", "Receiver"):
        msg = _("The partner failed (SOAP fault): %(detail)s") % {"detail": http.excerpt(said)}
        return AdapterError(msg, retryable=True, code="unavailable")
    return http.refused(said, "SOAP Fault")
