"""Webhook destinations checked against the network as it is: names resolved, every address judged
(``domain.destinations``), and the request pinned to the address that was checked.

A name is resolved once per delivery and the connection goes to the address judged, never to a
second answer of the resolver: DNS rebinding (a public answer to the check, a private one to the
connection) finds nothing to swap. The request keeps its host: the ``Host`` header and, over
HTTPS, the TLS server name (SNI) and the certificate check are the URL's host name.

The resolver is a parameter (``resolver(host, port)`` → addresses), the system's by default.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

import httpx

from ..domain.destinations import (
    AllowedDestinations,
    InvalidUrl,
    IPAddress,
    WebhookUrl,
    parse_webhook_url,
    refusal_before_resolving,
    refusal_of_addresses,
)

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
RESOLVE_SECONDS = 5.0


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses the system resolves ``host`` to, in its order of preference."""
    loop = asyncio.get_running_loop()
    infos = await asyncio.wait_for(
        loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP), RESOLVE_SECONDS
    )
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class Refused(Exception):
    """A destination a webhook may not go to; the message says why (and never which internal
    address a name resolved to: ``detail`` holds that, for the service's log)."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


async def _addresses(url: WebhookUrl, resolver: Resolver) -> list[IPAddress]:
    if url.address is not None:
        return [url.address]
    try:
        found = await resolver(url.host, url.port)
    except (OSError, TimeoutError, UnicodeError):
        return []
    return [ip_address(a) for a in found]


async def check_registration(raw: str, allowed: AllowedDestinations, resolver: Resolver) -> WebhookUrl:
    """The URL, when webhooks may go to it now; else :class:`Refused`. A host name must resolve,
    to allowed addresses only, unless the operator allows it by name; the answer is the same
    whether it does not resolve or resolves to an internal address (which would tell an integrator
    what names exist inside)."""
    try:
        url = parse_webhook_url(raw)
    except InvalidUrl as exc:
        raise Refused(f"the URL is not valid: {exc}") from None
    reason = refusal_before_resolving(url, allowed)
    if reason:
        raise Refused(reason)
    if url.address is not None or allowed.names_host(url.host):
        return url
    addresses = await _addresses(url, resolver)
    reason = refusal_of_addresses(url, addresses, allowed)
    if reason:
        raise Refused(f"{url.host} does not resolve to public addresses", f"{reason} ({addresses})")
    return url


@dataclass(frozen=True)
class Pinned:
    """A request's targets: the URL with each checked address as its host (tried in the resolver's
    order until one connects), the ``Host`` header and the request extensions (the TLS server
    name) that keep the URL's own host."""

    urls: list[tuple[IPAddress, httpx.URL]]
    host_header: str
    extensions: dict[str, Any] = field(default_factory=dict)


async def pin(raw: str, allowed: AllowedDestinations, resolver: Resolver) -> Pinned:
    """Where to send a delivery to ``raw``, checked now; else :class:`Refused`."""
    try:
        url = parse_webhook_url(raw)
        # Sent as the parsed parts put together again: what is checked is what is connected to.
        given = httpx.URL(url.url)
    except (InvalidUrl, httpx.InvalidURL) as exc:
        raise Refused(f"the URL is not valid: {exc}") from None
    if given.raw_host.decode("ascii") != url.host:
        raise Refused("the URL is not valid: its host reads differently to different parsers")
    reason = refusal_before_resolving(url, allowed)
    if reason:
        raise Refused(reason)
    addresses = await _addresses(url, resolver)
    reason = refusal_of_addresses(url, addresses, allowed)
    if reason:
        raise Refused(reason, f"{reason} ({', '.join(map(str, addresses))})")
    extensions: dict[str, Any] = {}
    if url.scheme == "https" and url.address is None:
        extensions["sni_hostname"] = url.host
    return Pinned(
        urls=[(a, given.copy_with(host=str(a))) for a in addresses],
        host_header=given.netloc.decode("ascii"),
        extensions=extensions,
    )
