"""Where webhooks may go: URLs that parse one way only, and public addresses only.

An integrator names the URL; the service connects to it from inside the platform. Left open, a
webhook reaches what the integrator cannot: another service's port on the loopback, the NATS
server, a database on the private network, the cloud's metadata service — and the delivery log
tells which ports answered. So a webhook URL is

* **well formed** (:func:`parse_webhook_url`): ``http`` or ``https``, a host, no user name or
  password, at most 2,048 characters, no control, format or space characters and no backslash
  (the characters on which URL parsers disagree), a host that is an IP address or a name of
  letters, digits, hyphens and underscores (IDNA-encoded); legacy IPv4 forms (``127.1``,
  ``0x7f000001``) are read as the address they stand for;
* **public** (:func:`address_refusal`): an address that is loopback, private (RFC 1918, ULA),
  link-local, shared (100.64/10), unspecified, multicast or reserved (documentation,
  benchmarking, IETF protocol assignments, 240/4, …) is refused, also when it hides in an IPv6
  form (IPv4-mapped, IPv4-compatible, NAT64, 6to4); a host name must resolve to public addresses
  only. Cloud metadata services are refused by address and by name, always.

The operator may allow internal destinations by name or network
(``KRAFTSAMLA_WEBHOOK_ALLOWED_HOSTS``, :class:`AllowedDestinations`): a named host may resolve
anywhere (but to a metadata or unspecified address); an address inside an allowed network is
accepted. Resolving names is the adapter's (``adapters.destinations``); this module only judges.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

MAX_URL_LENGTH = 2048
SCHEMES = {"http": 80, "https": 443}

METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, …
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure's wire server (a public-looking address)
    )
)
METADATA_NAMES = frozenset(
    {"metadata.google.internal", "metadata.goog", "metadata", "instance-data", "instance-data.ec2.internal"}
)

_REFUSED: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ip_network(net), reason)
    for net, reason in (
        ("0.0.0.0/8", "an unspecified address"),
        ("10.0.0.0/8", "a private address"),
        ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
        ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"),
        ("172.16.0.0/12", "a private address"),
        ("192.0.0.0/24", "a reserved address"),
        ("192.0.2.0/24", "a reserved address"),
        ("192.88.99.0/24", "a reserved address"),
        ("192.168.0.0/16", "a private address"),
        ("198.18.0.0/15", "a reserved address"),
        ("198.51.100.0/24", "a reserved address"),
        ("203.0.113.0/24", "a reserved address"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),
        ("::/128", "an unspecified address"),
        ("::1/128", "a loopback address"),
        ("64:ff9b:1::/48", "a private address"),
        ("100::/64", "a reserved address"),
        ("2001::/23", "a reserved address"),
        ("2001:db8::/32", "a reserved address"),
        ("3fff::/20", "a reserved address"),
        ("5f00::/16", "a reserved address"),
        ("fc00::/7", "a private address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a private address"),
        ("ff00::/8", "a multicast address"),
    )
)
_NAT64 = ip_network("64:ff9b::/96")
_COMPATIBLE = ip_network("::/96")
_ALWAYS = ("an unspecified address", "a cloud metadata address")
"""Refused whatever the operator allows: connecting to 0.0.0.0 or :: reaches this machine."""

_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_NUMERIC = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")


class InvalidUrl(ValueError):
    """A webhook URL that is not well formed; the message says why."""


@dataclass(frozen=True)
class WebhookUrl:
    url: str
    """The URL as it is kept and sent to: scheme and host in lower case, the host IDNA-encoded,
    without a fragment."""
    scheme: str
    host: str
    """The host in ASCII, lower case, without brackets or a trailing dot."""
    port: int
    address: IPAddress | None
    """The host as an address, when it is one."""


def parse_webhook_url(raw: str) -> WebhookUrl:
    """The URL, well formed, or :class:`InvalidUrl` with the reason."""
    if len(raw) > MAX_URL_LENGTH:
        raise InvalidUrl(f"at most {MAX_URL_LENGTH} characters")
    for c in raw:
        if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zs", "Zl", "Zp"):
            raise InvalidUrl(f"no control, format or space characters (found U+{ord(c):04X})")
    if "\\" in raw:
        raise InvalidUrl("no backslash")
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InvalidUrl(f"not a URL: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise InvalidUrl("the scheme must be http or https")
    netloc = parts.netloc
    if "@" in netloc:
        raise InvalidUrl("no user name or password in the URL")
    host_part = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") and ":" in netloc else netloc
    if host_part.startswith("["):
        if not host_part.endswith("]"):
            raise InvalidUrl("an IPv6 address must be in brackets")
        if "%" in host_part:
            raise InvalidUrl("no IPv6 zone")
        try:
            address: IPAddress | None = IPv6Address(host_part[1:-1])
        except ValueError:
            raise InvalidUrl("not a valid IPv6 address") from None
        host = str(address)
    else:
        host = _host_name(host_part)
        address = _ipv4(host)
        if address is not None:
            host = str(address)
    if port == 0:
        raise InvalidUrl("port 0 is not a port")
    shown = f"[{host}]" if isinstance(address, IPv6Address) else host
    url = f"{scheme}://{shown}{'' if port is None else f':{port}'}{parts.path or '/'}"
    url += f"?{parts.query}" if parts.query else ""
    return WebhookUrl(url, scheme, host, port or SCHEMES[scheme], address)


def endpoint_of(url: str) -> str:
    """A webhook's endpoint as the metrics name it: its URL's host and port, never its path or
    query (where a token may be)."""
    try:
        parsed = parse_webhook_url(url)
    except InvalidUrl:
        return "invalid"
    host = f"[{parsed.host}]" if isinstance(parsed.address, IPv6Address) else parsed.host
    return f"{host}:{parsed.port}"


def _host_name(text: str) -> str:
    name = text.lower().removesuffix(".")
    if not name:
        raise InvalidUrl("the URL must name a host")
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            raise InvalidUrl("not a valid host name") from None
    if len(name) > 253 or not all(_LABEL.match(label) for label in name.split(".")):
        raise InvalidUrl("not a valid host name")
    return name


def _ipv4(host: str) -> IPv4Address | None:
    """The IPv4 address a host stands for, in any of the forms resolvers accept (``127.1``,
    ``0177.0.0.1``, ``0x7f000001``, ``2130706433``); None for a name. A host whose last label is
    a number must be such an address (no top-level domain is numeric)."""
    labels = host.split(".")
    if not _NUMERIC.match(labels[-1]):
        return None
    if len(labels) > 4 or not all(_NUMERIC.match(label) for label in labels):
        raise InvalidUrl("not a valid IPv4 address")
    numbers = []
    for label in labels:
        if label.startswith("0x"):
            numbers.append(int(label[2:] or "0", 16))
        elif len(label) > 1 and label.startswith("0"):
            if not set(label) <= set("01234567"):
                raise InvalidUrl("not a valid IPv4 address")
            numbers.append(int(label, 8))
        else:
            numbers.append(int(label))
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        raise InvalidUrl("not a valid IPv4 address")
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return IPv4Address(value)


def embedded_ipv4(address: IPAddress) -> IPv4Address | None:
    """The IPv4 address an IPv6 address carries to (IPv4-mapped, IPv4-compatible, NAT64, 6to4)."""
    if isinstance(address, IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):
        return IPv4Address(int(address) & 0xFFFF_FFFF)
    return None


@dataclass(frozen=True)
class AllowedDestinations:
    """The internal destinations the operator allows: host names and networks."""

    names: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[str]) -> AllowedDestinations:
        """From ``KRAFTSAMLA_WEBHOOK_ALLOWED_HOSTS``: each entry an address, a network or a host
        name; ValueError names an entry that is none of them."""
        names: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            text = entry.strip()
            try:
                networks.append(ip_network(text.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            try:
                names.add(_host_name(text))
            except InvalidUrl:
                raise ValueError(f"not a host name, address or network: {entry!r}") from None
        return cls(frozenset(names), tuple(networks))

    def names_host(self, host: str) -> bool:
        return host in self.names

    def covers(self, address: IPAddress) -> bool:
        inner = embedded_ipv4(address)
        return any(address in net or (inner is not None and inner in net) for net in self.networks)


def classify(address: IPAddress) -> str | None:
    """Why an address is not public (``"a loopback address"``, …); None for a public address."""
    inner = embedded_ipv4(address)
    if address in METADATA_ADDRESSES or (inner is not None and inner in METADATA_ADDRESSES):
        return "a cloud metadata address"
    if inner is not None:  # an IPv6 form of an IPv4 address is what the IPv4 address is
        return classify(inner)
    for network, reason in _REFUSED:
        if address in network:
            return reason
    if not address.is_global:
        return "a reserved address"
    return None


def address_refusal(address: IPAddress, allowed: AllowedDestinations, *, named: bool = False) -> str | None:
    """Why a webhook may not go to ``address`` (None: it may). ``named``: the URL's host name is
    one the operator allows, so any address it resolves to is (but the few refused always)."""
    reason = classify(address)
    if reason is None or reason in _ALWAYS:
        return reason
    if named or allowed.covers(address):
        return None
    return reason


def refusal_before_resolving(url: WebhookUrl, allowed: AllowedDestinations) -> str | None:
    """Why a webhook may not go to the URL's host, as far as it is known without resolving it."""
    if url.host in METADATA_NAMES:
        return f"{url.host} is a cloud metadata service"
    if url.address is not None:
        reason = address_refusal(url.address, allowed)
        return f"{url.address} is {reason}" if reason else None
    return None


def refusal_of_addresses(
    url: WebhookUrl, addresses: Sequence[IPAddress], allowed: AllowedDestinations
) -> str | None:
    """Why a webhook may not go to the URL's host, which resolved to ``addresses`` (each of them
    must be allowed: a name that resolves to a public and a private address is refused)."""
    if not addresses:
        return f"{url.host} does not resolve"
    named = allowed.names_host(url.host)
    for address in addresses:
        reason = address_refusal(address, allowed, named=named)
        if reason:
            return f"{url.host} resolves to {reason}"
    return None
