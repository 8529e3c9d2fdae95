"""The region's API keys, issued, listed and revoked by its administrators (and the platform
operator) over the API.

The keys live in the platform's key bucket (``kraftsamla_common.keystore``), which every service
follows; the audit row of each change (who, what, the event it raised) is written in this
service's database. The bucket is written first: a name is taken there in one step, so two issues
of one name cannot both succeed. If the audit row then cannot be written, an issued key is taken
back (it was never shown) and a revocation stands (a key is never made usable again for want of
an audit row; the log says so).
"""

from __future__ import annotations

import logging

from kraftsamla_common.auth import ApiKeys, KeyRecord, Principal, Role, hash_key, new_key
from kraftsamla_common.errors import Conflict, NotFound, Unavailable, said
from kraftsamla_common.events import ApiKeyIssued, ApiKeyRevoked, utcnow
from kraftsamla_common.keystore import Changed, KeyBucket, KeyStoreUnavailable, NameTaken
from kraftsamla_common.messaging import UnitOfWork
from kraftsamla_common.service import Page

from ..domain.api_keys import expiry, shown_end
from ..schemas import ApiKeyCreate

log = logging.getLogger(__name__)


def _unavailable() -> Unavailable:
    return Unavailable(said("problem_detail_key_store_unavailable"))


def list_api_keys(keys: ApiKeys, region: str, page: Page) -> tuple[list[KeyRecord], int]:
    """The region's keys, from the key file and issued over the API, by name (a page of them, and
    how many there are). Never a key, nor its hash."""
    records = keys.records(region)
    return page.slice(records), len(records)


def get_api_key(keys: ApiKeys, region: str, name: str) -> KeyRecord:
    for record in keys.records(region):
        if record.name == name:
            return record
    raise NotFound("API key", name)


async def issue_api_key(
    uow: UnitOfWork, keys: ApiKeys, bucket: KeyBucket, body: ApiKeyCreate, *, by: Principal
) -> tuple[KeyRecord, str]:
    """A new key of the region and the key itself (shown this once); 409 when the name is taken,
    in the key file or in the bucket, by a key of any region, revoked or not."""
    if keys.in_file(body.name) is not None:
        raise Conflict(said("problem_detail_key_name_taken", name=body.name))
    key = new_key()
    now = utcnow()
    record = KeyRecord(
        name=body.name,
        sha256=hash_key(key),
        region=uow.region,
        role=Role(body.role),
        source=body.source,
        organisation=body.organisation,
        expires=expiry(body.expires, now),
        created_at=now,
        created_by=by.name,
        ends_with=shown_end(key),
        origin="api",
    )
    try:
        revision = await bucket.create(record)
    except NameTaken:
        raise Conflict(said("problem_detail_key_name_taken", name=body.name)) from None
    except KeyStoreUnavailable:
        raise _unavailable() from None
    assert record.expires is not None
    uow.emit(
        ApiKeyIssued(
            name=record.name, role=body.role, source=record.source, expires=record.expires, issued_by=by.name
        ),
        subject=record.name,
    )
    try:
        await uow.commit()
    except BaseException:
        try:
            await bucket.withdraw(record.name, revision)
        except Exception:
            log.exception(
                "api key %s: issued, its audit row not written, and it could not be taken back", record.name
            )
        raise
    return record, key


async def revoke_api_key(
    uow: UnitOfWork, keys: ApiKeys, bucket: KeyBucket, name: str, *, by: Principal
) -> KeyRecord:
    """Revoke a key of the region, issued over the API or in the key file (a record in the bucket
    then revokes the file's key); a key revoked already stays as it was. Another region's key is 404."""
    for _ in range(10):
        try:
            found = await bucket.read(name)
        except KeyStoreUnavailable:
            raise _unavailable() from None
        if found is not None:
            current, revision = found
            if current.region != uow.region:
                raise NotFound("API key", name)
        else:
            current, revision = _file_key(keys, name, uow.region), 0
        if current.revoked:
            await uow.commit()
            return current
        revoked = current.model_copy(update={"revoked": True, "revoked_at": utcnow(), "revoked_by": by.name})
        try:
            if revision:
                await bucket.replace(revoked, revision)
            else:
                await bucket.create(revoked)
        except (Changed, NameTaken):
            continue  # changed meanwhile: read it again
        except KeyStoreUnavailable:
            raise _unavailable() from None
        uow.emit(ApiKeyRevoked(name=name, origin=revoked.origin, revoked_by=by.name), subject=name)
        try:
            await uow.commit()
        except BaseException:
            log.error("api key %s: revoked by %s; the audit row could not be written", name, by.name)
            raise
        return revoked
    raise Conflict(said("problem_detail_concurrent_write"))


def _file_key(keys: ApiKeys, name: str, region: str) -> KeyRecord:
    record = keys.in_file(name)
    if record is None or record.region != region:
        raise NotFound("API key", name)
    return record
