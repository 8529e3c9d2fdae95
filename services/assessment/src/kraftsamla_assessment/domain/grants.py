"""Grants in the 360Giving Data Standard, mapped onto the body of an application (and a decision)."""

from __future__ import annotations

import re
from typing import Any

_SE_ORG = re.compile(r"^SE-(?:BLV|BOL|ORG)-(\d{6}-?\d{4})$", re.IGNORECASE)
_FI_ORG = re.compile(r"^FI-(?:PRO|YTJ)-(\d{7}-\d)$", re.IGNORECASE)


def _org_identifier(org: dict[str, Any]) -> str | None:
    """An organisation identifier from a 360Giving organisation: its companyNumber, or an org-id
    (``SE-BLV-5560000000`` for Bolagsverket, ``FI-PRO-1234567-8`` for PRH)."""
    if org.get("companyNumber"):
        return str(org["companyNumber"])
    ident = str(org.get("id", ""))
    for pattern in (_SE_ORG, _FI_ORG):
        m = pattern.match(ident)
        if m:
            return m.group(1)
    return None


def from_360giving(grant: dict[str, Any], source: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A 360Giving grant as an application body (and its award as a decision, when it has one).

    Mapped: ``id`` → external id, ``title``, ``description``, ``currency``, ``amountAppliedFor``
    (else ``amountAwarded``) → requested amount, ``plannedDates[0]`` → period,
    ``recipientOrganization[0]`` → applicant, ``grantProgramme[0].title`` (else the funding
    organisation's name) → funding programme, ``beneficiaryLocation[].geoCode`` that are
    municipality codes → municipalities, ``classifications`` of an SDG vocabulary → goals;
    ``amountAwarded`` with ``awardDate`` → a grant decision. Other fields are ignored.
    """
    if not isinstance(grant, dict):
        return {"source": source, "external_id": None}, None
    body: dict[str, Any] = {"source": source, "external_id": grant.get("id"), "title": grant.get("title")}
    for src, dst in (("description", "description"), ("currency", "currency")):
        if grant.get(src) is not None:
            body[dst] = grant[src]
    requested = grant.get("amountAppliedFor", grant.get("amountAwarded"))
    if requested is not None:
        body["requested_amount"] = requested
    planned = grant.get("plannedDates") or []
    if planned and isinstance(planned[0], dict):
        body["period_start"] = planned[0].get("startDate")
        body["period_end"] = planned[0].get("endDate")
    recipients = grant.get("recipientOrganization") or []
    if recipients and isinstance(recipients[0], dict):
        body["applicant_identifier"] = _org_identifier(recipients[0])
        body["applicant_name"] = recipients[0].get("name")
    programmes = grant.get("grantProgramme") or []
    funders = grant.get("fundingOrganization") or []
    if programmes and isinstance(programmes[0], dict) and programmes[0].get("title"):
        body["funding_programme"] = programmes[0]["title"]
    elif funders and isinstance(funders[0], dict) and funders[0].get("name"):
        body["funding_programme"] = funders[0]["name"]
    codes = [
        str(loc.get("geoCode"))
        for loc in grant.get("beneficiaryLocation") or []
        if isinstance(loc, dict) and re.fullmatch(r"\d{3,4}", str(loc.get("geoCode", "")))
    ]
    if codes:
        body["municipalities"] = codes
    goals = [
        int(c["code"])
        for c in grant.get("classifications") or []
        if isinstance(c, dict)
        and "sdg" in str(c.get("vocabulary", "")).lower()
        and str(c.get("code", "")).isdigit()
    ]
    if goals:
        body["goals"] = goals
    decision = None
    if grant.get("amountAwarded") is not None and grant.get("awardDate"):
        decision = {
            "outcome": "granted",
            "granted_amount": grant["amountAwarded"],
            "decided_on": grant["awardDate"][:10],
        }
    return {k: v for k, v in body.items() if v is not None}, decision
