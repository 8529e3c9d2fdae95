"""Where webhooks may go: the URL rules, the classification of addresses, the operator's allow
list, and names resolved by a resolver given to the check (no network)."""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import ip_address

import pytest

from kraftsamla_assessment.adapters.destinations import Refused, Resolver, check_registration, pin
from kraftsamla_assessment.domain.destinations import (
    AllowedDestinations,
    InvalidUrl,
    classify,
    parse_webhook_url,
)

NOTHING = AllowedDestinations()


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "a loopback address"),
        ("127.255.255.254", "a loopback address"),
        ("10.0.0.1", "a private address"),
        ("172.16.0.1", "a private address"),
        ("172.31.255.255", "a private address"),
        ("192.168.1.1", "a private address"),
        ("169.254.1.1", "a link-local address"),
        ("169.254.169.254", "a cloud metadata address"),
        ("169.254.170.2", "a cloud metadata address"),
        ("100.100.100.200", "a cloud metadata address"),
        ("168.63.129.16", "a cloud metadata address"),
        ("100.64.0.1", "a shared (carrier-grade NAT) address"),
        ("100.127.255.254", "a shared (carrier-grade NAT) address"),
        ("0.0.0.0", "an unspecified address"),
        ("0.1.2.3", "an unspecified address"),
        ("224.0.0.1", "a multicast address"),
        ("239.255.255.250", "a multicast address"),
        ("240.0.0.1", "a reserved address"),
        ("255.255.255.255", "a reserved address"),
        ("192.0.2.1", "a reserved address"),
        ("198.18.0.1", "a reserved address"),
        ("198.51.100.1", "a reserved address"),
        ("203.0.113.1", "a reserved address"),
        ("192.0.0.8", "a reserved address"),
        ("::1", "a loopback address"),
        ("::", "an unspecified address"),
        ("fc00::1", "a private address"),
        ("fd12:3456::1", "a private address"),
        ("fd00:ec2::254", "a cloud metadata address"),
        ("fe80::1", "a link-local address"),
        ("febf::1", "a link-local address"),
        ("fec0::1", "a private address"),
        ("ff02::1", "a multicast address"),
        ("2001:db8::1", "a reserved address"),
        ("2001::1", "a reserved address"),  # Teredo
        ("100::1", "a reserved address"),
        ("64:ff9b:1::1", "a private address"),
        # IPv6 forms of IPv4 addresses are what the IPv4 address is.
        ("::ffff:127.0.0.1", "a loopback address"),
        ("::ffff:10.1.2.3", "a private address"),
        ("::ffff:169.254.169.254", "a cloud metadata address"),
        ("::ffff:0.0.0.0", "an unspecified address"),
        ("::127.0.0.1", "a loopback address"),
        ("64:ff9b::7f00:1", "a loopback address"),
        ("64:ff9b::a9fe:a9fe", "a cloud metadata address"),
        ("2002:c0a8:101::1", "a private address"),
        # Public.
        ("93.184.216.34", None),
        ("8.8.8.8", None),
        ("1.1.1.1", None),
        ("2a00:1450:4001:80b::200e", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
        ("64:ff9b::808:808", None),
        ("2002:808:808::1", None),
    ],
)
def test_each_range_is_classified(address: str, reason: str | None) -> None:
    assert classify(ip_address(address)) == reason


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://127.1/", "127.0.0.1"),
        ("http://0x7f000001/", "127.0.0.1"),
        ("http://2130706433/", "127.0.0.1"),
        ("http://0177.0.0.1/", "127.0.0.1"),
        ("http://10.1/", "10.0.0.1"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"),
        ("http://[0:0:0:0:0:0:0:1]:8080/", "::1"),
    ],
)
def test_every_spelling_of_an_address_is_read_as_that_address(url: str, host: str) -> None:
    parsed = parse_webhook_url(url)
    assert parsed.host == host and parsed.address == ip_address(host)
    assert classify(parsed.address) is not None


def test_a_url_is_kept_as_its_parts_put_together() -> None:
    u = parse_webhook_url("HTTPS://Hooks.Bücher.Example.:8443/in/kraftsamla?token=a%20b#frag")
    assert u.url == "https://hooks.xn--bcher-kva.example:8443/in/kraftsamla?token=a%20b"
    assert (u.scheme, u.host, u.port, u.address) == ("https", "hooks.xn--bcher-kva.example", 8443, None)
    assert parse_webhook_url("http://example.se").url == "http://example.se/"
    assert parse_webhook_url("https://[2606:4700::1111]/h").port == 443


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://hooks.example.se/a\x01b", "control"),
        ("http://hooks.example.se/a\x00", "control"),
        ("http://hooks.example.se/a\x7f", "control"),
        ("http://hooks.example.se/a\u0085", "control"),
        ("http://hooks.example.se/a\tb", "control"),
        ("http://hooks.example.se/a\nb", "control"),
        ("http://hooks.exa\r\nmple.se/", "control"),
        ("http://hooks.example.se/a b", "space"),
        ("http://hooks.example.se/\u00a0", "space"),
        ("http://hooks.example.se/\u2028", "space"),
        ("http://hooks.exa\u200bmple.se/", "format"),
        ("http://hooks.example.se/\u202e", "format"),
        ("http://hooks.example.se/" + "a" * 2030, "2048"),
        ("ftp://hooks.example.se/", "http or https"),
        ("file:///etc/passwd", "http or https"),
        ("gopher://127.0.0.1:4222/", "http or https"),
        ("javascript:alert(1)", "http or https"),
        ("http:///path", "host"),
        ("http://:80/", "host"),
        ("http://user:pw@hooks.example.se/", "user name"),
        ("http://hooks.example.se@127.0.0.1/", "user name"),
        ("http://127.0.0.1\\@hooks.example.se/", "backslash"),
        ("http://hooks.example.se:99999/", "URL"),
        ("http://hooks.example.se:0/", "port 0"),
        ("http://hooks.example.se:x/", "URL"),
        ("http://[::1/", "URL"),
        ("http://[fe80::1%25eth0]/", "zone"),
        ("http://%31%32%37.0.0.1/", "host name"),
        ("http://hooks_example!.se/", "host name"),
        ("http://example.123/", "IPv4"),
        ("http://08.0.0.1/", "IPv4"),
        ("http://1.2.3.4.5/", "IPv4"),
        ("http://256.0.0.1/", "IPv4"),
    ],
)
def test_malformed_urls_are_refused_with_the_reason(url: str, why: str) -> None:
    with pytest.raises(InvalidUrl, match=why):
        parse_webhook_url(url)


def test_the_operator_allows_names_and_networks() -> None:
    allowed = AllowedDestinations.of(["Hooks.Internal.", "10.20.0.0/16", "127.0.0.1", "fd12::/64", "[::1]"])
    assert allowed.names == {"hooks.internal"}
    assert allowed.covers(ip_address("10.20.3.4")) and not allowed.covers(ip_address("10.21.0.1"))
    assert allowed.covers(ip_address("::ffff:10.20.0.1"))  # the mapped form too
    assert allowed.covers(ip_address("fd12::5")) and allowed.covers(ip_address("127.0.0.1"))
    assert allowed.covers(ip_address("::1"))
    with pytest.raises(ValueError, match="not a host name"):
        AllowedDestinations.of(["10.0.0.0/33/1"])


def resolves(table: dict[str, Sequence[str]]) -> tuple[list[tuple[str, int]], Resolver]:
    """A resolver answering from ``table`` (else "not known"), and the list of what it was asked."""
    calls: list[tuple[str, int]] = []

    async def resolver(host: str, port: int) -> Sequence[str]:
        calls.append((host, port))
        if host not in table:
            raise OSError("Name or service not known")
        return table[host]

    return calls, resolver


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["10.0.0.5"], ["::1"], ["::ffff:192.168.0.1"], ["93.184.216.34", "172.16.0.1"], []],
)
async def test_a_name_must_resolve_to_public_addresses_only(addresses: list[str]) -> None:
    calls, resolver = resolves({"hooks.example.se": addresses})
    with pytest.raises(Refused) as refused:
        await check_registration("https://hooks.example.se/in", NOTHING, resolver)
    # The same answer whether the name does not resolve or resolves inside: no map of internal names.
    assert str(refused.value) == "hooks.example.se does not resolve to public addresses"
    assert calls == [("hooks.example.se", 443)]


async def test_a_name_nowhere_to_be_found_is_refused_as_well() -> None:
    calls, resolver = resolves({})
    with pytest.raises(Refused, match="does not resolve to public addresses"):
        await check_registration("http://nowhere.example.se/", NOTHING, resolver)
    assert calls == [("nowhere.example.se", 80)]


async def test_public_names_and_allowed_ones_are_accepted() -> None:
    calls, resolver = resolves({"hooks.example.se": ["93.184.216.34", "2606:4700::1111"]})
    url = await check_registration("https://hooks.example.se/in?x=1", NOTHING, resolver)
    assert url.url == "https://hooks.example.se/in?x=1"
    # A name the operator allows is not looked up at registration (it may be internal, or not yet).
    allowed = AllowedDestinations.of(["listener.internal"])
    await check_registration("http://listener.internal:9000/", allowed, resolver)
    assert calls == [("hooks.example.se", 443)]
    # An allowed network admits its addresses, and names that resolve into it.
    calls, resolver = resolves({"hooks.internal": ["10.20.0.7"]})
    allowed = AllowedDestinations.of(["10.20.0.0/16"])
    await check_registration("http://10.20.0.7/", allowed, resolver)
    await check_registration("http://hooks.internal/", allowed, resolver)
    with pytest.raises(Refused, match=r"10\.21\.0\.7 is a private address"):
        await check_registration("http://10.21.0.7/", allowed, resolver)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://0.0.0.0:8103/",
        "http://[::]:8103/",
    ],
)
async def test_metadata_and_unspecified_addresses_are_refused_whatever_is_allowed(url: str) -> None:
    everything = AllowedDestinations.of(["0.0.0.0/0", "::/0", "metadata.google.internal"])
    _, resolver = resolves({"metadata.google.internal": ["169.254.169.254"]})
    with pytest.raises(Refused):
        await check_registration(url, everything, resolver)
    with pytest.raises(Refused):
        await pin(url, everything, resolver)


async def test_a_delivery_connects_to_the_address_it_checked() -> None:
    calls, resolver = resolves({"hooks.example.se": ["93.184.216.34", "2606:4700::1111"]})
    target = await pin("https://hooks.example.se:8443/in?x=1", NOTHING, resolver)
    assert [str(u) for _, u in target.urls] == [
        "https://93.184.216.34:8443/in?x=1",
        "https://[2606:4700::1111]:8443/in?x=1",
    ]
    assert target.host_header == "hooks.example.se:8443"
    assert target.extensions == {"sni_hostname": "hooks.example.se"}  # TLS checks the name
    assert calls == [("hooks.example.se", 8443)]  # resolved once: nothing left to rebind


async def test_a_name_that_now_resolves_inside_is_refused_at_delivery() -> None:
    answers = {"hooks.example.se": ["93.184.216.34"]}
    _, resolver = resolves(answers)
    await check_registration("http://hooks.example.se/in", NOTHING, resolver)
    answers["hooks.example.se"] = ["127.0.0.1"]  # rebound
    with pytest.raises(Refused) as refused:
        await pin("http://hooks.example.se/in", NOTHING, resolver)
    assert str(refused.value) == "hooks.example.se resolves to a loopback address"
    assert "127.0.0.1" in refused.value.detail  # for the service's log, not the integrator
    # A name the operator allows may resolve inside; an allowed network admits what is in it.
    assert await pin("http://hooks.example.se/in", AllowedDestinations.of(["hooks.example.se"]), resolver)
    assert await pin("http://hooks.example.se/in", AllowedDestinations.of(["127.0.0.0/8"]), resolver)


async def test_a_url_stored_before_it_was_checked_is_refused_at_delivery() -> None:
    calls, resolver = resolves({})
    for url in ("http://hooks.example.se/a\x01b", "http://127.0.0.1:4222/", "http://127.1:8101/"):
        with pytest.raises(Refused):
            await pin(url, NOTHING, resolver)
    assert calls == []
