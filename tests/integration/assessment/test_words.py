"""What the assessment says, in the reader's language: a plan published through the plans service
reassesses the open applications over real NATS JetStream; the reassessment's summary and each
assessment's rationale are kept as parts, answered in Swedish, English or Finnish by the assessment
API, and shown in the reader's language by the reporting service's report. The English ``summary``
and ``rationale`` fields say what they always said."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from helpers import StartService, envelope, eventually, headers, publish
from kraftsamla_common.events import RegionConfigured

AREA = {
    "code": "hallbar-energi",
    "name": {"sv": "Hållbar energi", "en": "Sustainable energy", "fi": "Kestävä energia"},
}
TEXT = "Förstudie om vätgas från elektrolys i Östersund."
ENGLISH_WORDS = re.compile(
    r"\b(applications?|reassessed|because|moved|fell|rose|unchanged|priority|published|strength area)\b", re.I
)


def draft(level: str) -> dict[str, Any]:
    return {
        "next_review": (date.today() + timedelta(days=90)).isoformat(),
        "priorities": [
            {
                "id": "vatgas",
                "title": {"sv": "Vätgas", "en": "Hydrogen", "fi": "Vety"},
                "level": level,
                "vocabulary": ["vätgas", "elektrolys"],
                "valid_from": "2026-01-01",
                "valid_until": "2027-12-31",
            }
        ],
    }


async def publish_plan(plans: httpx.AsyncClient, region: str, plan_id: str, level: str) -> None:
    base = f"/plans/regions/{region}/action-plans/{plan_id}"
    etag = (await plans.get(base, headers=headers(region))).headers["ETag"]
    r = await plans.put(f"{base}/draft", json=draft(level), headers={**headers(region), "If-Match": etag})
    assert r.status_code == 200, r.text
    r = await plans.post(f"{base}/publish", headers=headers(region))
    assert r.status_code == 201, r.text


def section(page: str) -> str:
    """The report's "Reassessments" part: from its heading to the end of its section."""
    start = page.index('id="reassessments"')
    return page[start : page.index("</section>", start)]


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.mark.integration
async def test_summaries_and_rationales_in_the_readers_language(
    start_service: StartService, nats_url: str, region: str
) -> None:
    import nats

    nc = await nats.connect(nats_url)
    await publish(nc.jetstream(), envelope(RegionConfigured(country="SE", municipalities=["2380"]), region))
    await nc.close()
    async with (
        start_service("plans", relay_poll_seconds=0.1) as plans,
        start_service("assessment", relay_poll_seconds=0.1) as assessment,
        start_service("reporting", relay_poll_seconds=0.1, report_debounce_seconds=0.1) as reporting,
    ):
        programme = {"title": "S3", "period_start": 2021, "period_end": 2027, "strength_areas": [AREA]}
        r = await plans.post(f"/plans/regions/{region}/programmes", json=programme, headers=headers(region))
        assert r.status_code == 201, r.text
        plan_id = r.json()["strength_areas"][0]["action_plan_id"]
        for n in range(3):
            app = {
                "source": "nyps",
                "external_id": f"2026-{n}",
                "title": f"Ansökan {n}",
                "summary": TEXT,
                "requested_amount": 100000,
                "municipalities": ["2380"],
            }
            r = await assessment.post(
                f"/assessment/regions/{region}/applications", json=app, headers=headers(region, "integrator")
            )
            assert r.status_code == 201, r.text

        url = f"/assessment/regions/{region}/reassessments"

        async def completed(n: int, **params: str) -> list[dict[str, Any]] | None:
            r = await assessment.get(url, params={"status": "completed", **params}, headers=headers(region))
            assert r.status_code == 200, r.text
            found = r.json()["data"]
            return found if len(found) >= n else None

        await publish_plan(plans, region, plan_id, "spets")
        await eventually(lambda: completed(1), timeout=30)
        await publish_plan(plans, region, plan_id, "bredd")  # the priority moves down: all fall
        latest = (await eventually(lambda: completed(2), timeout=30))[0]

        # English, as the summary has always been, now with names where codes stood.
        assert latest["summary"] == (
            "3 open applications reassessed after Sustainable energy v2 was published. 3 applications fell "
            "from Spearhead to Breadth because priority 'Hydrogen' moved from Spearhead to Breadth. 0 unchanged."
        )
        assert latest["groups"][0]["sentence"] == (
            "3 applications fell from Spearhead to Breadth because priority 'Hydrogen' moved from Spearhead to Breadth."
        )
        # The region reads Swedish (it is in Sweden): its parts are worded so unless asked otherwise.
        swedish = " ".join(p["text"] for p in latest["summary_parts"])
        assert swedish == (
            "3 öppna ansökningar omprövades efter att version 2 av handlingsplanen för Hållbar energi "
            "publicerades. 3 ansökningar sjönk från Spets till Bredd eftersom prioriteringen ”Vätgas” "
            "flyttades från Spets till Bredd. 0 oförändrade."
        )
        assert [p["key"] for p in latest["summary_parts"]] == [
            "summary_reassessed",
            "moved_group",
            "summary_unchanged",
        ]
        assert latest["summary_parts"][1]["params"]["n"] == 3
        assert latest["moved"][0]["reason_parts"][0]["text"] == (
            "prioriteringen ”Vätgas” flyttades från Spets till Bredd"
        )
        finnish = (await completed(2, language="fi"))[0]  # type: ignore[index]
        assert finnish["summary"] == latest["summary"]
        assert finnish["groups"][0]["sentence_parts"][0]["text"] == (
            "3 hakemusta laski tasolta Kärki tasolle Laajuus, koska priorisointi ”Vety” siirtyi tasolta "
            "Kärki tasolle Laajuus."
        )

        # A rationale in Finnish, asked for by the query or by Accept-Language.
        r = await assessment.get(
            f"/assessment/regions/{region}/applications", params={"language": "fi"}, headers=headers(region)
        )
        one = r.json()["data"][0]["assessment"]
        assert one["rationale"].startswith("Best fit: strength area 'Sustainable energy' (fit ")
        assert "Placed at Breadth: priority 'Hydrogen' (Breadth) matched 2 terms" in one["rationale"]
        fi = " ".join(p["text"] for p in one["rationale_parts"])
        assert fi.startswith("Paras osuvuus: vahvuusala ”Kestävä energia” (osuvuus 0,")
        assert "Sijoitettu tasolle Laajuus: priorisointi ”Vety” (Laajuus) osui 2 termiin" in fi
        assert "Arviointikehikon pisteet" in fi and not ENGLISH_WORDS.search(fi)
        r = await assessment.get(
            f"/assessment/regions/{region}/applications/{r.json()['data'][0]['id']}/assessments",
            headers={**headers(region), "Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"},
        )
        assert " ".join(p["text"] for p in r.json()["data"][0]["rationale_parts"]) == fi
        r = await assessment.get(url, params={"language": "de"}, headers=headers(region))
        assert r.status_code == 422  # sv, en or fi

        # The report shows the reassessment in the reader's language, with no English.
        async def reported() -> dict[str, Any] | None:
            r = await reporting.get(f"/reporting/regions/{region}/reports/latest", headers=headers(region))
            if r.status_code != 200:
                return None
            lines = r.json()["content"]["last_reassessments"]
            return r.json() if lines and lines[0]["summary"] == latest["summary"] else None

        report = await eventually(reported, timeout=30)
        line = report["content"]["last_reassessments"][0]
        assert [p["key"] for p in line["summary_parts"]] == [p["key"] for p in latest["summary_parts"]]
        pages = {}
        for lang in ("sv", "fi", "en"):
            r = await reporting.get(
                f"/reporting/regions/{region}/reports/latest/html",
                params={"lang": lang},
                headers=headers(region),
            )
            assert r.status_code == 200, r.text
            pages[lang] = text_of(section(r.text))
        assert (
            "3 ansökningar sjönk från Spets till Bredd eftersom prioriteringen ”Vätgas” flyttades från Spets "
            "till Bredd." in pages["sv"]
        )
        assert (
            "3 hakemusta laski tasolta Kärki tasolle Laajuus, koska priorisointi ”Vety” siirtyi tasolta Kärki "
            "tasolle Laajuus." in pages["fi"]
        )
        assert not ENGLISH_WORDS.search(pages["sv"]), pages["sv"]
        assert not ENGLISH_WORDS.search(pages["fi"]), pages["fi"]
        assert "because priority 'Hydrogen' moved from Spearhead to Breadth" in pages["en"]
