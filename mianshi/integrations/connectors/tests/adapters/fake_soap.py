"""A Web-Service EHR on loopback in the style of 金蝶 s-HR: SOAP 1.1 and 1.2 by content
type, SOAPAction required, WS-Security UsernameToken (PasswordText) or HTTP Basic.

Faults are the specs' own: SOAP 1.1 `faultcode`/`faultstring` under HTTP 500, SOAP 1.2
`Code/Value` (+ Subcode) / `Reason/Text` under 400 (Sender) or 500 (Receiver); a token
that does not authenticate gets WSS 1.0's `wsse:FailedAuthentication` with its
specified text. The service parses what it receives without entities or DTDs, like the
adapter, and keeps what it saved so tests can compare text byte for byte.
"""

from __future__ import annotations

import base64
from typing import Any

from lxml import etree

from mianshi.integrations.connectors.tests.adapters.fakehttp import FakeServer, Received, Reply

SOAP11, SOAP12 = (
    "http://schemas.xmlsoap.org/soap/envelope/",
    "http://www.w3.org/2003/05/soap-envelope",
)
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
EMP = "urn:example:shr:employee"
ACTION = "urn:example:shr:employee/SaveEmployee"
USERNAME, PASSWORD = "shr-api", "pa<ss>&word"
WSDL = f"""<?xml version="1.0"?><wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
 targetNamespace="{EMP}"/>""".encode()


class FakeSoapEhr(FakeServer):
    def __init__(self, auth: str = "wsse") -> None:
        super().__init__()
        self.auth = auth
        self.saved: dict[str, dict[str, str]] = {}
        self.server_fault = False
        self.xxe = False

    def respond(self, req: Received) -> Reply:
        if req.method == "GET" and "wsdl" in req.query:
            if self.auth == "basic" and not self._basic_ok(req):
                return Reply(401, b"", {"WWW-Authenticate": 'Basic realm="s-HR"'})
            return Reply(200, WSDL, {"Content-Type": "text/xml; charset=utf-8"})
        version = (
            "1.2"
            if req.headers.get("content-type", "").startswith("application/soap+xml")
            else "1.1"
        )
        if self.auth == "basic" and not self._basic_ok(req):
            return Reply(401, b"Unauthorized", {"WWW-Authenticate": 'Basic realm="s-HR"'})
        action = (
            req.headers.get("soapaction", "")
            if version == "1.1"
            else req.headers.get("content-type", "")
        )
        if ACTION not in action:
            return fault(version, "Client", "no SOAPAction header or unknown action")
        try:
            root = etree.fromstring(
                req.body, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            )
        except etree.XMLSyntaxError as exc:
            return fault(version, "Client", f"not XML: {exc}")
        if self.auth == "wsse" and not self._token_ok(root):
            return fault(
                version,
                "Client",
                "The security token could not be authenticated or authorized",
                "wsse:FailedAuthentication",
            )
        if self.server_fault:
            return fault(version, "Server", "数据库繁忙，请稍后重试")
        return self._save(version, root)

    def _basic_ok(self, req: Received) -> bool:
        expected = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        return req.headers.get("authorization") == f"Basic {expected}"

    @staticmethod
    def _token_ok(root: Any) -> bool:
        ns = {"wsse": WSSE}
        user = root.findtext(".//wsse:UsernameToken/wsse:Username", namespaces=ns)
        secret = root.find(".//wsse:UsernameToken/wsse:Password", namespaces=ns)
        password_text = secret is not None and secret.get("Type", "").endswith("#PasswordText")
        return user == USERNAME and password_text and secret.text == PASSWORD

    def _save(self, version: str, root: Any) -> Reply:
        save = root.find(f".//{{{EMP}}}SaveEmployee")
        number = save.findtext(f"{{{EMP}}}Number") if save is not None else None
        if not number:
            return fault(version, "Client", "Number is required (员工编码不能为空)")
        self.saved[number] = {etree.QName(child).localname: child.text or "" for child in save}
        identifier = "&x;" if self.xxe else f"SHR-{number}"
        doctype = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]>' if self.xxe else ""
        ns = SOAP12 if version == "1.2" else SOAP11
        body = (
            f'<?xml version="1.0" encoding="utf-8"?>{doctype}'
            f'<soap:Envelope xmlns:soap="{ns}"><soap:Body>'
            f'<e:SaveEmployeeResponse xmlns:e="{EMP}"><e:Result><e:Id>{identifier}</e:Id>'
            "</e:Result></e:SaveEmployeeResponse></soap:Body></soap:Envelope>"
        )
        return Reply(200, body.encode(), {"Content-Type": _content_type(version)})


def _content_type(version: str) -> str:
    return "application/soap+xml; charset=utf-8" if version == "1.2" else "text/xml; charset=utf-8"


def fault(version: str, who: str, reason: str, subcode: str = "") -> Reply:
    """A SOAP Fault as each version writes it (1.2 names Client/Server Sender/Receiver)."""
    if version == "1.1":
        code = subcode or f"soap:{who}"
        xml = (
            f'<soap:Envelope xmlns:soap="{SOAP11}" xmlns:wsse="{WSSE}"><soap:Body><soap:Fault>'
            f"<faultcode>{code}</faultcode><faultstring>{reason}</faultstring>"
            "</soap:Fault></soap:Body></soap:Envelope>"
        )
        status = 500
    else:
        value = "Sender" if who == "Client" else "Receiver"
        sub = f"<env:Subcode><env:Value>{subcode}</env:Value></env:Subcode>" if subcode else ""
        xml = (
            f'<env:Envelope xmlns:env="{SOAP12}" xmlns:wsse="{WSSE}"><env:Body><env:Fault>'
            f"<env:Code><env:Value>env:{value}</env:Value>{sub}</env:Code>"
            f'<env:Reason><env:Text xml:lang="zh">{reason}</env:Text></env:Reason>'
            "</env:Fault></env:Body></env:Envelope>"
        )
        status = 400 if value == "Sender" else 500
    return Reply(status, xml.encode(), {"Content-Type": _content_type(version)})
