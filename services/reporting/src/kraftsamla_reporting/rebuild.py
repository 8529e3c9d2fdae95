"""Rebuild the reporting service's read models from the JetStream streams alone.

    python -m kraftsamla_reporting rebuild [--region REGION]

Stop the reporting service first (it shares the database). The command builds each region's report
from the read models as they are, empties them (and this service's inbox), replays every event of
the producers' streams through the same handlers the live consumers use, builds the report again
at the same instant and says, per region, whether the two are equal (and what differs if not). The
replayed events are recorded in the inbox under the live consumers' names, so when the service
starts again its consumers skip what the rebuild already applied. Regions whose report differs are
marked due, so the service stores a new version when it starts; equal reports add no version
(a region already due before the rebuild stays due).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from kraftsamla_common.settings import Settings

from .app import spec
from .domain.compare import Change
from .usecases import rebuild as usecase
from .usecases.rebuild import Outcome


async def rebuild(settings: Settings, region: str | None = None) -> Outcome:
    """Rebuild this service's read models (of one region, or all) through its own handlers."""
    return await usecase.rebuild(spec, settings, region)


def said(c: Change) -> str:
    """A difference on one line for the operator: section, subject keys, figure, before → after."""
    subject = " / ".join(str(p.key) for p in c.subject)
    return f"{c.section} {subject} {c.figure or c.change}: {c.before} → {c.after}".replace("  ", " ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kraftsamla_reporting rebuild",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--region", help="rebuild one region only (default: every region)")
    args = parser.parse_args(argv)
    settings = Settings().for_service(spec.name)
    outcome = asyncio.run(rebuild(settings, args.region))
    for r in outcome.regions:
        print(
            json.dumps(
                {"region": r.region, "equal": r.equal, "differences": [said(c) for c in r.differences[:20]]},
                default=str,
            )
        )
    print(
        json.dumps(
            {
                "events_applied": outcome.events,
                "regions": len(outcome.regions),
                "equal": sum(r.equal for r in outcome.regions),
                "unreadable": outcome.unreadable,
            }
        )
    )
    return 0 if all(r.equal for r in outcome.regions) else 1


if __name__ == "__main__":
    sys.exit(main())
