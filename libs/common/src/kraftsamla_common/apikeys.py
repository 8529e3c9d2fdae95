"""Issue, list and revoke API keys in a key file (``KRAFTSAMLA_API_KEYS_FILE``).

    python -m kraftsamla_common.apikeys issue --name nyps --region norrbotten --role integrator \\
        --source nyps --days 365
    python -m kraftsamla_common.apikeys list
    python -m kraftsamla_common.apikeys revoke --name nyps
    python -m kraftsamla_common.apikeys add-region --region lappi
    python -m kraftsamla_common.apikeys regions

``issue`` prints the new key once; the file keeps only its SHA-256. Running services re-read the
file when it changes, so a revoked key is refused from its next request on.

This tool works on the file alone, the platform's bootstrap (an operator's keys, a region's first
administrator). Keys that region administrators issue over the API
(``/assessment/regions/{region}/api-keys``) are kept in the platform's key bucket in NATS
(``kraftsamla_common.keystore``) and listed and revoked there, over the API; that API can also
revoke a key of the file, which this tool then still lists as it is in the file.

The file is also the platform's list of regions: a region exists when a key names it or when it is
in the file's ``"regions"`` list (``add-region``: for a region whose people sign in with tokens
only, or before its first key). Every other region answers 404, to the operator too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .auth import Role, hash_key, new_key, regions_of
from .events import REGION_PATTERN


def read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {"keys": []}


def write(path: Path, doc: dict[str, Any]) -> None:
    """Replace the file in one step (readers never see half a file), owner-readable only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".api-keys-")
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, path)


def issue(
    path: Path,
    *,
    name: str,
    region: str,
    role: Role,
    source: str | None = None,
    expires: datetime | None = None,
) -> str:
    """Add a key and return it (the only time it is shown)."""
    import re

    if not re.fullmatch(REGION_PATTERN, region) and not (region == "*" and role is Role.OPERATOR):
        raise ValueError(f"not a region id: {region!r}")
    if (region == "*") != (role is Role.OPERATOR):
        raise ValueError("an operator's key is for every region (*), every other key for one region")
    if (role is Role.INTEGRATOR) != (source is not None):
        raise ValueError("an integrator's key names its funding system (--source), no other key does")
    doc = read(path)
    if any(k["name"] == name for k in doc["keys"]):
        raise ValueError(f"a key named {name!r} exists; revoke it or choose another name")
    key = new_key()
    entry: dict[str, Any] = {"name": name, "sha256": hash_key(key), "region": region, "role": role.value}
    if source is not None:
        entry["source"] = source
    if expires is not None:
        entry["expires"] = expires.astimezone(UTC).isoformat()
    entry["created"] = datetime.now(UTC).isoformat(timespec="seconds")
    doc["keys"].append(entry)
    write(path, doc)
    return key


def add_region(path: Path, region: str) -> None:
    """Add ``region`` to the file's list of regions (the platform's regions: see ``regions``)."""
    import re

    if not re.fullmatch(REGION_PATTERN, region):
        raise ValueError(f"not a region id: {region!r}")
    doc = read(path)
    listed = doc.setdefault("regions", [])
    if region not in listed:
        listed.append(region)
        write(path, doc)


def regions(path: Path) -> list[str]:
    """The platform's regions: every region a key names, and the file's list of regions."""
    return sorted(regions_of(read(path)))


def revoke(path: Path, name: str) -> None:
    doc = read(path)
    found = [k for k in doc["keys"] if k["name"] == name]
    if not found:
        raise ValueError(f"no key named {name!r}")
    for k in found:
        k["revoked"] = True
        k["revoked_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    write(path, doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kraftsamla_common.apikeys", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--file", type=Path, default=os.environ.get("KRAFTSAMLA_API_KEYS_FILE", "data/api-keys.json")
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_issue = sub.add_parser("issue", help="add a key and print it once")
    p_issue.add_argument("--name", required=True)
    p_issue.add_argument("--region", required=True, help="region id, or * for an operator")
    p_issue.add_argument("--role", required=True, choices=[r.value for r in Role])
    p_issue.add_argument("--source", help="an integrator's funding system")
    p_issue.add_argument("--days", type=int, help="valid for this many days (default: until revoked)")
    sub.add_parser("list", help="names, regions, roles, expiry (never the keys)")
    p_revoke = sub.add_parser("revoke", help="refuse a key from now on")
    p_revoke.add_argument("--name", required=True)
    p_region = sub.add_parser("add-region", help="add a region that no key names yet")
    p_region.add_argument("--region", required=True)
    sub.add_parser("regions", help="the platform's regions: those of the keys and the added ones")
    args = parser.parse_args(argv)
    try:
        if args.command == "issue":
            expires = datetime.now(UTC) + timedelta(days=args.days) if args.days else None
            key = issue(
                args.file,
                name=args.name,
                region=args.region,
                role=Role(args.role),
                source=args.source,
                expires=expires,
            )
            print(key)
        elif args.command == "revoke":
            revoke(args.file, args.name)
        elif args.command == "add-region":
            add_region(args.file, args.region)
        elif args.command == "regions":
            for region in regions(args.file):
                print(region)
        else:
            for k in read(args.file)["keys"]:
                state = (
                    "revoked"
                    if k.get("revoked")
                    else f"expires {k['expires']}"
                    if k.get("expires")
                    else "active"
                )
                print(f"{k['name']:30} {k['region']:24} {k['role']:11} {k.get('source') or '':10} {state}")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
