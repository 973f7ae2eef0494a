"""Where the server may send requests to: the SSRF guard of webhooks (and connectors).

A URL an admin types makes this server connect somewhere. Loopback, link-local, the cloud
metadata services (AWS/GCP/Azure 169.254.169.254, AWS fd00:ec2::254, Alibaba Cloud
100.100.100.200, metadata.google.internal), unspecified, multicast and reserved addresses
are refused, since they reach this machine or its cloud credentials, unless listed in
settings.WEBHOOK_ALLOW (host names and CIDR ranges). Private RFC 1918 ranges are allowed:
an on-prem EHR lives there. The host is resolved at creation AND at send time (DNS can
change, "DNS rebinding"), and the request then connects to the address that was checked,
not to whatever a second lookup returns (pinned.py).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

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
