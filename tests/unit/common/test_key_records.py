"""One lookup of API keys from two places: the key file and the records of keys issued over the API
(the key bucket), merged by hash. Pure: the bucket's entries are handed in as the watch would."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kraftsamla_common.auth import ApiKeys, KeyRecord, KeyRejected, Role, hash_key
from kraftsamla_common.keystore import PREFIX, KeyBucket

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def file_with(path: Path, *entries: dict[str, object], regions: list[str] | None = None) -> Path:
    path.write_text(json.dumps({"keys": list(entries), **({"regions": regions} if regions else {})}))
    return path


def in_file(name: str, key: str, region: str = "norrbotten", role: str = "admin") -> dict[str, object]:
    return {"name": name, "sha256": hash_key(key), "region": region, "role": role}


def issued(name: str, key: str, region: str = "norrbotten", **more: object) -> KeyRecord:
    fields: dict[str, object] = {"name": name, "sha256": hash_key(key), "region": region, "role": Role.VIEWER}
    return KeyRecord.model_validate({**fields, **more})


@dataclass
class Entry:
    """A KV entry as the watch delivers it."""

    key: str
    value: bytes | None
    revision: int
    operation: str | None = None


def test_a_key_issued_over_the_api_is_looked_up_beside_the_files(tmp_path: Path) -> None:
    keys = ApiKeys(file_with(tmp_path / "k.json", in_file("boot", "k-boot")))
    assert keys.lookup("k-new") is None
    keys.put_issued(issued("desk", "k-new", expires=NOW + timedelta(days=1)))
    principal = keys.lookup("k-new", now=NOW)
    assert principal is not None and (principal.name, principal.role) == ("desk", Role.VIEWER)
    assert keys.lookup("k-boot") is not None
    with pytest.raises(KeyRejected, match="expired"):
        keys.lookup("k-new", now=NOW + timedelta(days=2))
    keys.put_issued(issued("desk", "k-new", revoked=True))
    with pytest.raises(KeyRejected, match="revoked"):
        keys.lookup("k-new")
    keys.drop_issued("desk")
    assert keys.lookup("k-new") is None


def test_a_record_revoking_a_key_of_the_file_revokes_it_and_the_file_may_change(tmp_path: Path) -> None:
    path = file_with(tmp_path / "k.json", in_file("boot", "k-boot"))
    keys = ApiKeys(path)
    keys.put_issued(KeyRecord.of_file(in_file("boot", "k-boot")).model_copy(update={"revoked": True}))
    with pytest.raises(KeyRejected, match="revoked"):
        keys.lookup("k-boot")
    # The file is re-read when it changes; the revocation still holds over it.
    file_with(path, in_file("boot", "k-boot"), in_file("other", "k-other"))
    os.utime(path, (1, 1))
    assert keys.lookup("k-other") is not None
    with pytest.raises(KeyRejected):
        keys.lookup("k-boot")
    # A record that is not a revocation changes nothing of a file's key.
    keys.put_issued(issued("other", "k-other", region="kronoberg"))
    principal = keys.lookup("k-other")
    assert principal is not None and principal.region == "norrbotten"


def test_the_bucket_never_makes_an_operators_key(tmp_path: Path) -> None:
    keys = ApiKeys(file_with(tmp_path / "k.json"))
    keys.put_issued(issued("root", "k-root", region="*", role=Role.OPERATOR))
    keys.put_issued(issued("root2", "k-root2", role=Role.OPERATOR))
    assert keys.lookup("k-root") is None and keys.lookup("k-root2") is None
    assert "*" not in keys.regions()


def test_regions_are_those_of_both_places_and_a_regions_keys_are_listed_once(tmp_path: Path) -> None:
    keys = ApiKeys(
        file_with(
            tmp_path / "k.json",
            in_file("boot", "k-boot"),
            in_file("ops", "k-ops", region="*", role="operator"),
            regions=["lappi"],
        )
    )
    keys.put_issued(issued("desk", "k-desk", region="kronoberg"))
    assert keys.regions() == {"norrbotten", "lappi", "kronoberg"}
    keys.put_issued(KeyRecord.of_file(in_file("boot", "k-boot")).model_copy(update={"revoked": True}))
    listed = keys.records("norrbotten")
    assert [(r.name, r.origin, r.revoked) for r in listed] == [("boot", "file", True)]
    assert [r.name for r in keys.records("kronoberg")] == ["desk"]
    assert keys.records("lappi") == []


def test_the_watch_takes_newer_entries_only_and_deletions(tmp_path: Path) -> None:
    keys = ApiKeys(file_with(tmp_path / "k.json"))
    bucket = KeyBucket(keys)
    first = issued("desk", "k-desk")
    bucket._take(Entry(PREFIX + "desk", first.model_dump_json().encode(), 3))
    assert keys.lookup("k-desk") is not None
    revoked = first.model_copy(update={"revoked": True})
    bucket._take(Entry(PREFIX + "desk", revoked.model_dump_json().encode(), 5))
    bucket._take(Entry(PREFIX + "desk", first.model_dump_json().encode(), 3))  # an old one, again
    with pytest.raises(KeyRejected):
        keys.lookup("k-desk")
    bucket._take(Entry(PREFIX + "other", b"not json", 6))  # left out, said in the log
    bucket._take(Entry("regions.lappi", b"{}", 7))  # not a key's entry
    bucket._take(Entry(PREFIX + "desk", None, 8, "DEL"))
    assert keys.lookup("k-desk") is None and keys.issued("desk") is None
