"""Where the server may send requests to: the SSRF guard of webhooks (and connectors).

A URL an admin types makes this server connect somewhere. Loopback, link-local, the cloud
metadata services (AWS/GCP/Azure 169.254.169.254, AWS fd00:ec2::254, Alibaba Cloud
100.100.100.200, metadata.google.internal), unspecified, multicast and reserved addresses
are refused, since they reach this machine or its cloud credentials, unless listed in
settings.WEBHOOK_ALLOW (host names and CIDR ranges). Private RFC 1918 ranges are allowed:
an on-prem EHR lives there. The host is resolved at creation AND at send time (DNS can
change, "DNS rebinding"), and the request then connects to the address that was checked,
not to whatever a second lookup returns (`pinned_post`).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import SplitResult, urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "metadata.tencentyun.com"})
METADATA_IPS = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")


class OutboundRefused(Exception):
    """The URL may not be called; `message` is translated and safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    """A checked URL: its parts and the address the request must connect to."""

    url: SplitResult
    host: str
    address: IPAddress


def _allow_list() -> tuple[frozenset[str], list[Network]]:
    hosts: set[str] = set()
    networks: list[Network] = []
    for entry in getattr(settings, "WEBHOOK_ALLOW", []):
        try:
            networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            hosts.add(entry.lower().rstrip("."))
    return frozenset(hosts), networks


def forbidden(address: IPAddress) -> bool:
    """Whether the address reaches this machine, its link or a cloud metadata service."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        return forbidden(mapped)
    return (
        address in METADATA_IPS
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
        or (address.version == 4 and address in THIS_NETWORK)
    )


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OutboundRefused(_("The host name could not be resolved.")) from exc
    # A scope id ("fe80::1%eth0") is not part of the address.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _parts(url: str) -> tuple[SplitResult, str, int]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise OutboundRefused(_("Enter an http or https URL with a host name."))
    if parts.username or parts.password:
        raise OutboundRefused(_("Credentials in the URL are not allowed."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise OutboundRefused(_("The port of the URL is not valid.")) from exc
    return parts, parts.hostname.lower().rstrip("."), port


def check_url(url: str) -> Target:
    """The URL's checked target; OutboundRefused for a refused scheme, host or address."""
    parts, host, port = _parts(url)
    hosts, networks = _allow_list()
    if host in METADATA_HOSTS and host not in hosts:
        raise OutboundRefused(_("Cloud metadata addresses may not be called."))
    addresses = _resolve(host, port)
    if host not in hosts:
        for address in addresses:
            if forbidden(address) and not any(address in n for n in networks):
                raise OutboundRefused(
                    _(
                        "The address %(address)s is loopback, link-local or cloud metadata: "
                        "refused unless an administrator allow-lists it (MIANSHI_WEBHOOK_ALLOW)."
                    )
                    % {"address": address}
                )
    return Target(url=parts, host=host, address=addresses[0])


class _PinnedAdapter(HTTPAdapter):
    """Connects to the checked address while TLS still checks the certificate of the host."""

    def __init__(self, host: str) -> None:
        self._host = host
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        # Ignored by plain HTTP pools (urllib3 drops the TLS keywords there).
        kwargs["server_hostname"] = self._host
        kwargs["assert_hostname"] = self._host
        super().init_poolmanager(*args, **kwargs)


def _pinned_url(target: Target) -> str:
    address = str(target.address)
    literal = f"[{address}]" if target.address.version == 6 else address
    netloc = f"{literal}:{target.url.port}" if target.url.port else literal
    return target.url._replace(netloc=netloc).geturl()


def ca_bundle() -> str | bool:
    """The CA bundle requests would take from the environment (an on-prem EHR's private
    CA), read by hand: the session ignores the environment for the proxies' sake."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True


@dataclass(frozen=True)
class Reply:
    """What came back: status, headers, the first bytes of the body, time to the headers."""

    status: int
    headers: dict[str, str]
    excerpt: bytes
    latency_ms: int


def pinned_session(target: Target) -> requests.Session:
    """A session that connects to the checked address (TLS checks the host's certificate);
    kept alive only for this target: another host or address needs its own."""
    session = requests.Session()
    session.trust_env = False  # a proxy from the environment would bypass the check
    session.verify = ca_bundle()
    session.mount(f"{target.url.scheme}://", _PinnedAdapter(target.host))
    return session


def pinned_post(
    target: Target,
    *,
    body: bytes,
    headers: dict[str, str],
    timeout: float,
    keep: int,
    session: requests.Session | None = None,
) -> Reply:
    """POST to the checked address, never following a redirect; only the first `keep`
    bytes of the answer are read (a receiver's page of HTML is not our business). A
    `session` from `pinned_session(target)` keeps its connection for the next POST."""
    if session is None:
        with pinned_session(target) as own:
            return pinned_post(
                target, body=body, headers=headers, timeout=timeout, keep=keep, session=own
            )
    started = time.monotonic()
    with session.post(
        _pinned_url(target),
        data=body,
        headers={**headers, "Host": target.url.netloc},
        timeout=(timeout, timeout),
        allow_redirects=False,
        stream=True,
    ) as response:
        latency = int((time.monotonic() - started) * 1000)
        excerpt = _read_some(response.raw, keep, time.monotonic() + timeout)
        lowered = {k.lower(): v for k, v in response.headers.items()}
        return Reply(response.status_code, lowered, excerpt, latency)


def _read_some(raw: Any, keep: int, deadline: float) -> bytes:
    """Up to `keep` bytes of the body, within the deadline: a receiver trickling a byte at a
    time (each under the socket timeout) cannot hold the worker for long."""
    data = b""
    while len(data) < keep and time.monotonic() < deadline:
        chunk = raw.read1(keep - len(data))
        if not chunk:
            break
        data += chunk
    return data
