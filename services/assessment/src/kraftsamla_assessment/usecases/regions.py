"""Regions created and deleted by the platform operator (docs/decisions/0025-region-lifecycle.md).

A region created here is a record in the platform's key bucket (``regions.<id>``), which every
service follows: the region exists everywhere from moments later. Its first administrator key is
issued in the same bucket and shown once. Its settings (country, municipalities) are the actors
service's, set there next (``PUT /actors/regions/{region}/settings``) with the operator's key or the
new administrator's.

A region deleted is taken out of the bucket first (its record and every key it issued over the API:
no service admits a request of it from moments later), then ``assessment.region.deleted.v1`` is
published under the platform's own subjects and every service, this one too, deletes its rows and
purges its stream of the region (:mod:`kraftsamla_common.lifecycle`).
"""

from __future__ import annotations

import logging

from kraftsamla_common.auth import ApiKeys, KeyRecord, Principal, RegionRecord, Role, hash_key, new_key
from kraftsamla_common.errors import Conflict, Unavailable, Unprocessable, said
from kraftsamla_common.events import PLATFORM_REGION, LocalizedText, RegionCreated, RegionDeleted, utcnow
from kraftsamla_common.keystore import KeyBucket, KeyStoreUnavailable, NameTaken
from kraftsamla_common.messaging import UnitOfWork

from ..domain.api_keys import expiry, shown_end
from ..schemas import RegionCreate

log = logging.getLogger(__name__)


def _unavailable() -> Unavailable:
    return Unavailable(said("problem_detail_key_store_unavailable"))


def _field(loc: str, msg: str) -> list[dict[str, object]]:
    return [{"loc": ["body", loc], "msg": msg, "type": "value_error"}]


async def create_region(
    uow: UnitOfWork, keys: ApiKeys, bucket: KeyBucket, body: RegionCreate, *, by: Principal
) -> tuple[RegionRecord, KeyRecord, str]:
    """The region, its first administrator key's record and the key (shown this once). 409 when
    the id is a region of the platform already (or the key's name is taken), 422 for the
    platform's own id."""
    if body.id == PLATFORM_REGION:
        raise Unprocessable(
            "The region cannot be created.", _field("id", f"{PLATFORM_REGION} is the platform's own")
        )
    if body.id in keys.regions():
        raise Conflict(f"Region {body.id} exists.")
    name = body.admin_key or f"{body.id}-admin"
    if keys.in_file(name) is not None:
        raise Conflict(said("problem_detail_key_name_taken", name=name))
    now = utcnow()
    region = RegionRecord(
        id=body.id,
        name=body.name.model_dump(exclude_none=True),
        country=body.country,
        languages=list(body.languages),
        created_at=now,
        created_by=by.name,
    )
    key = new_key()
    record = KeyRecord(
        name=name,
        sha256=hash_key(key),
        region=body.id,
        role=Role.ADMIN,
        expires=expiry(None, now),
        created_at=now,
        created_by=by.name,
        ends_with=shown_end(key),
        origin="api",
    )
    try:
        await bucket.create_region(region)
    except NameTaken:
        raise Conflict(f"Region {body.id} exists.") from None
    except KeyStoreUnavailable:
        raise _unavailable() from None
    try:
        await bucket.create(record)
    except BaseException as exc:
        await _take_back(bucket, region)
        if isinstance(exc, NameTaken):
            raise Conflict(said("problem_detail_key_name_taken", name=name)) from None
        if isinstance(exc, KeyStoreUnavailable):
            raise _unavailable() from None
        raise
    uow.emit(
        RegionCreated(
            name=LocalizedText(**body.name.model_dump(exclude_none=True)),
            country=body.country,
            languages=list(body.languages),
            admin_key=name,
            created_by=by.name,
        ),
        subject=body.id,
    )
    try:
        await uow.commit()
    except BaseException:
        try:
            await bucket.forget_region(body.id, [name])
        except Exception:
            log.exception(
                "region %s: created, its audit row not written, and it could not be taken back", body.id
            )
        raise
    return region, record, key


async def _take_back(bucket: KeyBucket, region: RegionRecord) -> None:
    try:
        await bucket.forget_region(region.id, [])
    except Exception:
        log.exception(
            "region %s: its first key could not be issued, and it could not be taken back", region.id
        )


async def delete_region(
    uow: UnitOfWork, keys: ApiKeys, bucket: KeyBucket, region: str, *, by: Principal
) -> None:
    """Delete a region everywhere. 409 when the key file names it (its keys there would keep it
    in being: the operator takes them out of the file first)."""
    if region in keys.file_regions():
        raise Conflict(
            f"The key file names region {region}: take its keys and its entry out of the file first "
            "(python -m kraftsamla_common.apikeys)."
        )
    record = keys.region_record(region)
    issued = keys.issued_of(region)
    try:
        await bucket.forget_region(region, [r.name for r in issued])
    except KeyStoreUnavailable:
        raise _unavailable() from None
    uow.emit(RegionDeleted(region=region, deleted_by=by.name), subject=region, region=PLATFORM_REGION)
    try:
        await uow.commit()
    except BaseException:
        try:
            await bucket.restore(record, issued)
        except Exception:
            log.exception("region %s: taken out of the key bucket, its deletion not announced", region)
        raise


async def restore_region(
    keys: ApiKeys, bucket: KeyBucket, region: RegionRecord | None, records: list[KeyRecord]
) -> None:
    """An archived region's record and its keys' records put into the bucket (the region moved
    here from another platform). 409 when the region exists here, or a key's name is taken (what
    was written is taken back)."""
    ids = {r.region for r in records} | ({region.id} if region else set())
    if len(ids) != 1:
        raise Unprocessable(
            "The records are not of one region.", _field("keys", "every key of the region, and only its")
        )
    (region_id,) = ids
    if region_id == PLATFORM_REGION or region_id in keys.regions():
        raise Conflict(f"Region {region_id} exists.")
    if any(r.role is Role.OPERATOR for r in records):
        raise Unprocessable("An operator's key is never imported.", _field("keys", "no operator keys"))
    written: list[str] = []
    try:
        if region is not None:
            try:
                await bucket.create_region(region)
            except NameTaken:
                raise Conflict(f"Region {region_id} exists.") from None
        for record in records:
            await bucket.create(record)
            written.append(record.name)
    except (NameTaken, KeyStoreUnavailable) as exc:
        try:
            await bucket.forget_region(region_id, written)
        except Exception:
            log.exception("region %s: partly restored, and it could not be taken back", region_id)
        if isinstance(exc, NameTaken):
            raise Conflict(f"{exc.args[0]} exists on this platform.") from None
        raise _unavailable() from None
