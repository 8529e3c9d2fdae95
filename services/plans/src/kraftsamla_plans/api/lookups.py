"""Reference lists to pick from as one types: the ERDF common indicators 2021–2027 and NACE Rev. 2,
each searched by code or by words of its name, answered in the reader's language where the data
has it (English otherwise)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from kraftsamla_common import nace
from kraftsamla_common.auth import ReadScope
from kraftsamla_common.exports import ReaderLanguage
from kraftsamla_common.service import region_router

from ..domain import indicators
from ..schemas import CommonIndicatorPublic, CommonIndicatorsPublic, NaceListPublic, NacePublic

router = region_router("plans")

SearchQuery = Annotated[str, Query(max_length=100, description="A code, its start, or words of the name")]
Limit = Annotated[int, Query(ge=1, le=100, description="At most this many")]


@router.get("/indicators", response_model=CommonIndicatorsPublic)
async def search_indicators(
    scope: ReadScope,
    language: ReaderLanguage,
    q: SearchQuery = "",
    kind: Annotated[
        Literal["output", "result"] | None, Query(description="Outputs (RCO) or results (RCR)")
    ] = None,
    limit: Limit = 20,
) -> CommonIndicatorsPublic:
    """The ERDF and Cohesion Fund common indicators 2021–2027 (Regulation (EU) 2021/1058, Annex I)
    whose code starts with ``q`` (``RCO0``, ``rco 16``, ``16``) or whose name holds every word of it
    (in any language the data has); codes first, then in the regulation's order. Name and unit in
    the language of ``?lang=`` or ``Accept-Language`` where the official wording is in the data,
    else in English (``language`` says which). A sub-goal's indicator may cite one of these codes."""
    found = indicators.search(q, kind=kind, limit=1000)
    return CommonIndicatorsPublic(
        data=[
            CommonIndicatorPublic(
                code=i.code,
                kind=i.kind,
                name=i.name(language),
                unit=i.unit(language),
                language=language if language in i.names else "en",
            )
            for i in found[:limit]
        ],
        count=len(found),
    )


@router.get("/nace", response_model=NaceListPublic)
async def search_nace(
    scope: ReadScope, language: ReaderLanguage, q: SearchQuery = "", limit: Limit = 20
) -> NaceListPublic:
    """NACE Rev. 2 sections, divisions, groups and classes whose code starts with ``q`` (``62``,
    ``J62.0``, ``6201``) or whose name holds every word of it as the start of a word, in Swedish,
    English or Finnish where the data has the name (``skog``, ``forestry``, ``metsä``); codes first,
    the coarser levels first. Names in the reader's language where the data has them (Swedish and
    Finnish for the divisions the platform names), else English. Without ``q``: the sections and
    divisions."""
    found = nace.search(q, limit=2000)
    return NaceListPublic(
        data=[
            NacePublic(
                code=e.code,
                level=e.level,
                name=e.name(language),
                language=language if language in e.names else "en",
            )
            for e in found[:limit]
        ],
        count=len(found),
    )
