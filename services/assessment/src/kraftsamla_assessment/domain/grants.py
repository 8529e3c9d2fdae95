"""Grants in the 360Giving Data Standard, mapped onto the body of an application (and a decision).

What can be mapped is: recipient organisations identified by a Swedish organisationsnummer or a
Finnish Y-tunnus (``companyNumber``, or an org-id such as ``SE-ON-…``, ``SE-BLV-…``,
``FI-PRO-…``), beneficiary locations that are municipalities (by code in any common form, or by
the name of one of the region's municipalities), and the fund or funder behind a grant as its
funding source. What cannot be is named in a warning with the 360Giving field it was sent in,
never dropped silently; and where validation refuses a mapped value, :meth:`MappedGrant.locate`
names the grant's field it came from, so that errors speak the integrator's language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, Literal

from kraftsamla_common.events import FundingSource
from kraftsamla_common.municipalities import Municipality, municipality, municipality_by_code

from .assessor import normalise_identifier

Path = tuple[str | int, ...]
"""Where a value sits in a grant: ``("recipientOrganization", 0, "id")``."""

WarningCode = Literal[
    "unmapped_identifier",
    "invalid_identifier",
    "unmapped_location",
    "unmapped_funder",
    "unmapped_classification",
    "unmapped_award",
    "individual_not_kept",
    "additional_ignored",
    "malformed",
]
"""What a warning is about (see ``docs/api-guide.md``): an organisation identifier of a scheme the
platform does not keep, one that fails its check digit, a beneficiary location that is not a
municipality, a funder whose funding source is not recognised, an SDG code that is not a goal, an
award without its date, a recipient individual (the platform keeps organisations, not people),
entries beyond the first of a field that holds one value here, and a field whose shape is not the
standard's."""


def dotted(path: Path) -> str:
    """A path as a 360Giving field is written: ``recipientOrganization[0].id``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def pointer(path: Path) -> str:
    """A path as a JSON pointer (RFC 6901) below the grant: ``/recipientOrganization/0/id``."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


@dataclass(frozen=True)
class GrantWarning:
    """Data of a grant that was sent but is not kept, and why."""

    path: Path
    code: WarningCode
    message: str

    @property
    def field(self) -> str:
        return dotted(self.path)


@dataclass
class MappedGrant:
    """A grant as an application body (the grant itself when it is not a JSON object, for the
    validation to refuse), its award as a decision, and what was not kept."""

    body: Any
    decision: dict[str, Any] | None = None
    warnings: list[GrantWarning] = field(default_factory=list)
    origins: dict[str, Path] = field(default_factory=dict)
    """Our field (``requested_amount``, ``municipalities/0``, ``granted_amount``) → the grant's
    field its value came from."""

    def locate(self, ours: str) -> Path:
        """The grant's field behind a pointer into the application body or the decision
        (``/municipalities/1`` → ``beneficiaryLocation/3/geoCode``): the longest prefix of it
        that has an origin, else the grant itself."""
        parts = [p for p in ours.split("/") if p]
        while parts:
            found = self.origins.get("/".join(parts))
            if found is not None:
                return found
            parts.pop()
        return ()


# --------------------------------------------------------------------------- organisations

_ORG_ID = re.compile(r"^([A-Za-z]{2}-[A-Za-z0-9]+)-(.+)$")
ORG_ID_SCHEMES: dict[str, Literal["SE", "FI"]] = {
    "SE-ON": "SE",
    "SE-BLV": "SE",
    "SE-BOL": "SE",
    "SE-ORG": "SE",
    "FI-PRO": "FI",
    "FI-YTJ": "FI",
}
"""org-id.guide prefixes of the identifiers the actors service keeps: the Swedish
organisationsnummer (``SE-ON``, Bolagsverket ``SE-BLV``; ``SE-BOL``, ``SE-ORG`` as some systems
write them) and the Finnish Y-tunnus (PRH ``FI-PRO``; ``FI-YTJ``)."""


def org_identifier(value: str, country: Literal["SE", "FI"] | None = None) -> str | None:
    """An organisationsnummer as ``NNNNNN-NNNN`` (also from ten or twelve digits) or a Y-tunnus as
    ``NNNNNNN-C``, check digits verified (:func:`normalise_identifier`, the form the actors service
    keeps, so that a registered actor is found by it); None when it is neither, or not of
    ``country``."""
    try:
        found = normalise_identifier(value)
    except ValueError:
        return None
    finnish = len(found) == 9
    return None if (country == "SE" and finnish) or (country == "FI" and not finnish) else found


def _organisation(org: dict[str, Any], at: Path) -> tuple[str | None, Path | None, list[GrantWarning]]:
    """The identifier of a 360Giving organisation (``companyNumber``, else its org-id), the field
    it came from, and what was sent but could not be kept."""
    warnings: list[GrantWarning] = []
    number = org.get("companyNumber")
    if number not in (None, ""):
        found = org_identifier(str(number))
        if found is not None:
            return found, (*at, "companyNumber"), []
        warnings.append(
            GrantWarning(
                (*at, "companyNumber"),
                "invalid_identifier",
                f"{number!r} is neither a Swedish organisationsnummer nor a Finnish Y-tunnus with a "
                "valid check digit",
            )
        )
    ident = org.get("id")
    if ident in (None, ""):
        return None, None, warnings
    text = str(ident).strip()
    m = _ORG_ID.match(text)
    scheme = m.group(1).upper() if m else None
    if m is None or scheme not in ORG_ID_SCHEMES:
        what = f"the identifier scheme {scheme}" if scheme else f"{text!r}"
        warnings.append(
            GrantWarning(
                (*at, "id"),
                "unmapped_identifier",
                f"{what} is not one the platform keeps: give an org-id of SE-ON, SE-BLV "
                "(organisationsnummer) or FI-PRO (Y-tunnus), or the companyNumber",
            )
        )
        return None, None, warnings
    country = ORG_ID_SCHEMES[scheme]
    found = org_identifier(m.group(2), country)
    if found is None:
        kind = "organisationsnummer" if country == "SE" else "Y-tunnus"
        warnings.append(
            GrantWarning(
                (*at, "id"),
                "invalid_identifier",
                f"{m.group(2)!r} is not a valid {kind} (its form or check digit is wrong)",
            )
        )
        return None, None, warnings
    return found, (*at, "id"), []


# --------------------------------------------------------------------------- municipalities

_GEO_CODE = re.compile(r"^(?:(SE|FI)[-_ ]?)?(\d{3,4})$", re.IGNORECASE)


def municipality_of_geo_code(code: str) -> Municipality | None:
    """The municipality a geoCode names: a kommunkod (``2321``, ``SE2321``, ``SE-2321``) or a
    kuntanumero (``091``, ``FI091``, ``FI-091``), both also their LAU codes; None for anything
    else (a NUTS region such as ``SE322``, a county, another country's code)."""
    m = _GEO_CODE.match(code.strip())
    if m is None:
        return None
    country, digits = (m.group(1) or "").upper(), m.group(2)
    if not country:
        return municipality_by_code(digits)
    if (country, len(digits)) in (("SE", 4), ("FI", 3)):
        return municipality(country, digits)
    return None


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def _plain(text: str) -> str:
    """Without diacritics: ``östersund`` → ``ostersund``."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_NAME_AFFIXES = re.compile(
    r"^(?:municipality of|city of|kommunen)\s+|\s+(?:kommun|stad|kaupunki|kunta|municipality)$"
)


def municipality_of_name(name: str, candidates: Collection[str]) -> Municipality | None:
    """The municipality among ``candidates`` (codes) that ``name`` names: ``Åre``, ``Åre kommun``,
    ``Östersunds kommun``, ``Municipality of Östersund``, case and hyphens aside; written without
    its diacritics (``Ostersund``) when that names one candidate only (Habo is not Håbo)."""
    bare = _NAME_AFFIXES.sub("", _fold(name))
    forms = {_fold(name), bare, bare.removesuffix("s")} - {""}
    known = [m for m in (municipality_by_code(c) for c in sorted(candidates)) if m is not None]
    exact = [m for m in known if _fold(m.name) in forms]
    if exact:
        return exact[0]
    plain = {_plain(f) for f in forms}
    near = [m for m in known if _plain(_fold(m.name)) in plain]
    return near[0] if len(near) == 1 else None


def _locations(
    grant: dict[str, Any], region_municipalities: Collection[str]
) -> tuple[list[str], dict[str, Path], list[GrantWarning]]:
    codes: list[str] = []
    origins: dict[str, Path] = {}
    warnings: list[GrantWarning] = []
    locations = grant.get("beneficiaryLocation")
    if locations is None:
        return codes, origins, warnings
    origins["municipalities"] = ("beneficiaryLocation",)
    entries: list[tuple[Path, Any]]
    if isinstance(locations, list):
        entries = [(("beneficiaryLocation", j), loc) for j, loc in enumerate(locations)]
    else:
        entries = [(("beneficiaryLocation",), locations)]
    for at, loc in entries:
        if not isinstance(loc, dict):
            warnings.append(
                GrantWarning(at, "malformed", "a location is an object with a geoCode or a name; not kept")
            )
            continue
        geo, name = loc.get("geoCode"), loc.get("name")
        found: Municipality | None = None
        source: Path = at
        if geo not in (None, ""):
            found, source = municipality_of_geo_code(str(geo)), (*at, "geoCode")
        if found is None and isinstance(name, str) and name.strip():
            found = municipality_of_name(name, region_municipalities)
            if found is not None:
                source = (*at, "name")
        if found is None:
            warnings.append(GrantWarning(*_unmapped_location(at, geo, name, bool(region_municipalities))))
        elif found.code not in codes:
            origins[f"municipalities/{len(codes)}"] = source
            codes.append(found.code)
    return codes, origins, warnings


def _unmapped_location(at: Path, geo: Any, name: Any, region_known: bool) -> tuple[Path, WarningCode, str]:
    parts = []
    if geo not in (None, ""):
        parts.append(
            f"geoCode {geo!r} is not a municipality code (a kommunkod such as 2321 or SE2321, "
            "a kuntanumero such as 091 or FI091)"
        )
    if isinstance(name, str) and name.strip():
        parts.append(
            f"{name!r} is not the name of one of the region's municipalities"
            if region_known
            else f"the name {name!r} cannot be matched: the region's municipalities are not known yet"
        )
    path: Path = (*at, "geoCode") if geo not in (None, "") else (*at, "name") if parts else at
    message = "; ".join(parts) if parts else "the location has neither a geoCode nor a name"
    return path, "unmapped_location", message + "; not kept"


# --------------------------------------------------------------------------- funding sources

_FUNDS: tuple[tuple[re.Pattern[str], FundingSource], ...] = (
    (
        re.compile(
            r"\b(?:eruf|erdf|eakr|efre|feder)\b|regionala utvecklingsfonden|regional development fund"
            r"|aluekehitysrahasto",
            re.IGNORECASE,
        ),
        "erdf",
    ),
    (re.compile(r"\b(?:esf|esr)(?:\+|\b)|socialfond|social fund|sosiaalirahasto", re.IGNORECASE), "esf_plus"),
    (
        re.compile(r"\bjtf\b|rättvis omställning|just transition|oikeudenmukaisen siirtymän", re.IGNORECASE),
        "jtf",
    ),
    (re.compile(r"\binterreg\b", re.IGNORECASE), "interreg"),
    (
        re.compile(
            r"\b(?:eafrd|ejflu)\b|landsbygdsprogram|landsbygdsfond|rural development|maaseuturahasto"
            r"|maaseudun kehittämis",
            re.IGNORECASE,
        ),
        "eafrd",
    ),
    (re.compile(r"horizon europe|horisont europa|horisontti eurooppa", re.IGNORECASE), "horizon_europe"),
)
"""Funds recognised in a grant programme's title or code (or a funder's name)."""

_MAAKUNTA = (
    "uudenmaan", "varsinais-suomen", "satakunnan", "hämeen", "pirkanmaan", "päijät-hämeen",
    "kymenlaakson", "etelä-karjalan", "etelä-savon", "pohjois-savon", "pohjois-karjalan",
    "keski-suomen", "etelä-pohjanmaan", "pohjanmaan", "keski-pohjanmaan", "pohjois-pohjanmaan",
    "kainuun", "lapin",
)  # fmt: skip
"""The regions of Finland as their councils are named (``Lapin liitto``, the Regional Council of
Lapland)."""

_FUNDERS: tuple[tuple[re.Pattern[str], FundingSource], ...] = (
    (re.compile(r"\bvinnova\b|verket för innovationssystem", re.IGNORECASE), "vinnova"),
    (re.compile(r"energimyndighet|swedish energy agency", re.IGNORECASE), "energy_agency"),
    (
        re.compile(r"tillväxtverket|swedish agency for economic and regional growth", re.IGNORECASE),
        "growth_agency",
    ),
    (re.compile(r"\bbusiness finland\b", re.IGNORECASE), "business_finland"),
    (
        re.compile(
            r"^region\s|regionen$|regionförbund|\blandsting|\bregional council\b|^(?:"
            + "|".join(_MAAKUNTA)
            + r") liitto$",
            re.IGNORECASE,
        ),
        "regional",
    ),
    (
        re.compile(r"\s(?:kommun|stad|kaupunki|kunta)$|^municipality of\s|\smunicipality$", re.IGNORECASE),
        "municipal",
    ),
)
"""Funders recognised by name: the agencies among the funding sources, regions and their
councils, municipalities."""


def funding_source_of_programme(text: str) -> FundingSource | None:
    """The fund a grant programme's title or code names (``ERUF Mellersta Norrland`` → erdf)."""
    return next((source for pattern, source in _FUNDS if pattern.search(text)), None)


def funding_source_of_funder(identifier: str | None, name: str | None) -> FundingSource | None:
    """The funding source a funder is: an agency among the sources, a region (organisationsnummer
    232100-…, ``Region …``, ``… liitto``) or a municipality (212000-…, ``… kommun``), or a fund
    named in its name; None when it is none of them."""
    if identifier is not None:
        if identifier.startswith("232100-"):
            return "regional"
        if identifier.startswith("212000-"):
            return "municipal"
    text = (name or "").strip()
    if not text:
        return None
    for pattern, source in _FUNDERS:
        if pattern.search(text):
            return source
    return funding_source_of_programme(text)


# --------------------------------------------------------------------------- the grant


def _first(
    grant: dict[str, Any], key: str, warnings: list[GrantWarning]
) -> tuple[dict[str, Any] | None, Path]:
    """The first entry of a list the application holds one of, and where it is; later entries
    (and an entry that is not an object) are warned about."""
    value = grant.get(key)
    if isinstance(value, dict):
        return value, (key,)
    if value is None or value == []:
        return None, (key,)
    if not isinstance(value, list):
        warnings.append(GrantWarning((key,), "malformed", f"{key} is a list of objects; not kept"))
        return None, (key,)
    for j in range(1, len(value)):
        warnings.append(
            GrantWarning(
                (key, j), "additional_ignored", f"an application keeps only the first {key}; not kept"
            )
        )
    if not isinstance(value[0], dict):
        warnings.append(GrantWarning((key, 0), "malformed", f"{key}[0] is not an object; not kept"))
        return None, (key, 0)
    return value[0], (key, 0)


def _date(value: Any) -> Any:
    """A 360Giving date or date-time as a date (``2026-10-01T00:00:00+00:00`` → ``2026-10-01``)."""
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return value[:10]
    return value


_SDG = re.compile(r"^(?:sdg\s*-?\s*)?(\d{1,2})(?:\.\w+)*$", re.IGNORECASE)


def from_360giving(grant: Any, source: str, *, region_municipalities: Collection[str] = ()) -> MappedGrant:
    """A 360Giving grant as an application body of the funding system ``source`` (and its award
    as a decision, when it has one); ``region_municipalities`` are the codes a location's name
    is matched against.

    Mapped: ``id`` → external id, ``title``, ``description``, ``currency``, ``amountAppliedFor``
    (else ``amountAwarded``) → requested amount, ``plannedDates[0]`` → period,
    ``recipientOrganization[0]`` → applicant (name, and identifier as above),
    ``grantProgramme[0].title`` (else the funding organisation's name) → funding programme, the
    fund of the programme (else the funder) → funding source, ``beneficiaryLocation[]`` →
    municipalities, ``classifications`` of an SDG vocabulary → goals; ``amountAwarded`` with
    ``awardDate`` → a grant decision. Other fields are not read.
    """
    if not isinstance(grant, dict):
        return MappedGrant(grant)
    warnings: list[GrantWarning] = []
    origins: dict[str, Path] = {"external_id": ("id",), "title": ("title",)}
    ident = grant.get("id")
    if isinstance(ident, int) and not isinstance(ident, bool):
        ident = str(ident)
    body: dict[str, Any] = {"source": source, "external_id": ident, "title": grant.get("title")}
    for key in ("description", "currency"):
        if grant.get(key) is not None:
            body[key], origins[key] = grant[key], (key,)
    requested = "amountAppliedFor" if grant.get("amountAppliedFor") is not None else "amountAwarded"
    body["requested_amount"], origins["requested_amount"] = grant.get(requested), (requested,)

    planned, at = _first(grant, "plannedDates", warnings)
    if planned is not None:
        for ours, theirs in (("period_start", "startDate"), ("period_end", "endDate")):
            body[ours], origins[ours] = _date(planned.get(theirs)), (*at, theirs)

    _recipients(grant, body, origins, warnings)
    _funding(grant, body, origins, warnings)

    codes, where, unmapped = _locations(grant, region_municipalities)
    if codes:
        body["municipalities"] = codes
    origins |= where
    warnings += unmapped

    _goals(grant, body, origins, warnings)

    decision = None
    if grant.get("amountAwarded") is not None and grant.get("awardDate"):
        decision = {
            "outcome": "granted",
            "granted_amount": grant["amountAwarded"],
            "decided_on": _date(grant["awardDate"]),
        }
        origins |= {"granted_amount": ("amountAwarded",), "decided_on": ("awardDate",)}
    elif grant.get("amountAwarded") is not None:
        warnings.append(
            GrantWarning(
                ("amountAwarded",),
                "unmapped_award",
                "without an awardDate the award is not recorded as a decision",
            )
        )
    return MappedGrant({k: v for k, v in body.items() if v is not None}, decision, warnings, origins)


def _recipients(
    grant: dict[str, Any], body: dict[str, Any], origins: dict[str, Path], warnings: list[GrantWarning]
) -> None:
    if grant.get("recipientIndividual"):
        warnings.append(
            GrantWarning(
                ("recipientIndividual",),
                "individual_not_kept",
                "the platform keeps organisations, not people: a recipient individual is not kept",
            )
        )
    recipient, at = _first(grant, "recipientOrganization", warnings)
    if recipient is None:
        return
    identifier, source, unmapped = _organisation(recipient, at)
    kept = "the applicant is kept by name only" if recipient.get("name") else "the applicant is not known"
    warnings += [GrantWarning(w.path, w.code, f"{w.message}; {kept}") for w in unmapped]
    if identifier is not None and source is not None:
        body["applicant_identifier"], origins["applicant_identifier"] = identifier, source
    if recipient.get("name") is not None:
        body["applicant_name"], origins["applicant_name"] = recipient["name"], (*at, "name")


def _funding(
    grant: dict[str, Any], body: dict[str, Any], origins: dict[str, Path], warnings: list[GrantWarning]
) -> None:
    programme, programme_at = _first(grant, "grantProgramme", warnings)
    funder, funder_at = _first(grant, "fundingOrganization", warnings)
    funder_name = funder.get("name") if funder is not None else None
    if programme is not None and programme.get("title"):
        body["funding_programme"], origins["funding_programme"] = programme["title"], (*programme_at, "title")
    elif funder_name:
        body["funding_programme"], origins["funding_programme"] = funder_name, (*funder_at, "name")
    fund = None
    if programme is not None:
        text = " ".join(str(programme.get(k) or "") for k in ("title", "code"))
        fund = funding_source_of_programme(text)
        if fund is not None:
            origins["funding_source"] = programme_at
    if fund is None and funder is not None:
        funder_id, _, _ = _organisation(funder, funder_at)
        fund = funding_source_of_funder(funder_id, str(funder_name) if funder_name else None)
        if fund is not None:
            origins["funding_source"] = funder_at
        else:
            kept = (
                "its name is kept as the funding programme"
                if body.get("funding_programme") == funder_name and funder_name
                else "not kept"
            )
            warnings.append(
                GrantWarning(
                    funder_at,
                    "unmapped_funder",
                    f"the funder {funder_name or funder.get('id')!r} is not a funding source the platform "
                    f"recognises (an EU fund, Vinnova, the Swedish Energy Agency, Tillväxtverket, Business "
                    f"Finland, a region or a municipality); the funding source is left empty, {kept}",
                )
            )
    if fund is not None:
        body["funding_source"] = fund


def _goals(
    grant: dict[str, Any], body: dict[str, Any], origins: dict[str, Path], warnings: list[GrantWarning]
) -> None:
    classifications = grant.get("classifications")
    if not isinstance(classifications, list):
        return
    goals: list[int] = []
    for j, c in enumerate(classifications):
        if not isinstance(c, dict) or "sdg" not in str(c.get("vocabulary", "")).lower():
            continue
        m = _SDG.match(str(c.get("code", "")).strip())
        goal = int(m.group(1)) if m else None
        if goal is None or not 1 <= goal <= 17:
            warnings.append(
                GrantWarning(
                    ("classifications", j, "code"),
                    "unmapped_classification",
                    f"{c.get('code')!r} is not one of the 17 Sustainable Development Goals; not kept",
                )
            )
        elif goal not in goals:
            origins[f"goals/{len(goals)}"] = ("classifications", j, "code")
            goals.append(goal)
    if goals:
        body["goals"] = goals
