"""API keys issued over the API: records in a NATS JetStream Key-Value bucket that every service
follows (docs/decisions/0023-keys-over-the-api.md).

The key file (``KRAFTSAMLA_API_KEYS_FILE``) stays the platform's bootstrap: in Kubernetes it is a
read-only Secret, written by the operator. Keys that region administrators issue and revoke over
the API (``/assessment/regions/{region}/api-keys``) are kept in the bucket ``KRAFTSAMLA_KEYS``
(stream ``KV_KRAFTSAMLA_KEYS``, on disk, as many replicas as the services' streams), one entry per
key under ``keys.<name>``: its :class:`~kraftsamla_common.auth.KeyRecord` as JSON, never the key
itself. A name is taken once and for good: the entry stays when the key is revoked or expires, so a
name in the audit log always means one key.

Every service follows the bucket (:class:`KeyBucket`): on start it reads every entry before it
answers a request, then watches the bucket and puts each change into its :class:`ApiKeys`, where
the lookup merges them with the file's keys. A key issued or revoked over the API is known to every
service within moments. Every few minutes the watch is begun again (the bucket read anew), so a
watch that went quiet without saying so delays a change by that long at most.

Issuing is a ``create`` (it fails when the name exists: names are unique without a lock), revoking
an ``update`` on the revision read (a concurrent change makes it read again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from .auth import ApiKeys, KeyRecord, RegionRecord

log = logging.getLogger(__name__)

BUCKET = "KRAFTSAMLA_KEYS"
"""The KV bucket of keys issued over the API (stream ``KV_KRAFTSAMLA_KEYS``)."""
PREFIX = "keys."
"""Entries of keys: ``keys.<name>``. Other prefixes are left for other records of the platform."""
REGIONS = "regions."
"""Entries of regions created over the API: ``regions.<id>`` (docs/decisions/0025-region-lifecycle.md)."""
HISTORY = 5
"""Revisions kept per key: issued, revoked, and a few more."""


def entry_key(name: str) -> str:
    return PREFIX + name


def region_key(region: str) -> str:
    return REGIONS + region


class KeyStoreUnavailable(Exception):
    """The bucket cannot be reached now (NATS away, not connected yet)."""


class NameTaken(Exception):
    """A key of that name exists in the bucket already."""


class Changed(Exception):
    """The entry changed since it was read: read it again."""


class KeyBucket:
    """The bucket of keys issued over the API, bound to a service's NATS connection, and the job
    that keeps the service's :class:`ApiKeys` in step with it."""

    def __init__(
        self,
        keys: ApiKeys,
        *,
        replicas: int = 1,
        resync_seconds: float = 300.0,
        timeout: float = 5.0,
    ) -> None:
        self.keys = keys
        self.replicas = replicas
        self.resync_seconds = resync_seconds
        self.timeout = timeout
        self.connection: Any = None
        """The service's NATS client (``nats.aio.client.Client``), set by :meth:`start`."""
        self._kv: Any = None
        self._watcher: Any = None
        self._revisions: dict[str, int] = {}
        """Entry (``keys.<name>``, ``regions.<id>``) → the revision of its entry this process knows (a change of a lower one is old)."""

    # ------------------------------------------------------------------ binding and following

    async def open(self) -> Any:
        """Bind to the bucket, creating it if it does not exist yet."""
        from nats.js.api import KeyValueConfig, StorageType
        from nats.js.errors import BadRequestError, BucketNotFoundError

        if self.connection is None or not self.connection.is_connected:
            raise KeyStoreUnavailable("not connected to NATS")
        if self._kv is not None:
            return self._kv
        js = self.connection.jetstream(timeout=self.timeout)
        try:
            self._kv = await js.key_value(BUCKET)
        except BucketNotFoundError:
            config = KeyValueConfig(
                bucket=BUCKET,
                description="API keys issued over the Kraftsamla API: name, hash, region, role (never the key)",
                history=HISTORY,
                storage=StorageType.FILE,
                replicas=self.replicas,
            )
            try:
                self._kv = await js.create_key_value(config)
            except BadRequestError:  # another process created it meanwhile
                self._kv = await js.key_value(BUCKET)
        return self._kv

    async def start(self, connection: Any, *, wait: float = 60.0) -> None:
        """Bind to the bucket and read every entry into the service's keys, before the service
        answers its first request; tried again for up to ``wait`` seconds, then the start fails
        (a service that could not read the bucket would accept keys revoked in it)."""
        self.connection = connection
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        while True:
            try:
                self._watcher = await self._read_all()
                return
            except Exception as exc:
                self._kv = None
                if loop.time() >= deadline:
                    raise RuntimeError(f"the key bucket {BUCKET} could not be read: {exc!r}") from exc
                log.warning("api keys: the bucket %s could not be read yet (%r); trying again", BUCKET, exc)
                await asyncio.sleep(0.5)

    async def _read_all(self) -> Any:
        """Begin a watch of every key's entry, and take in what it delivers up to the end of its
        first pass (the bucket as it is now); the watch goes on delivering changes after that."""
        kv = await self.open()
        watcher = await kv.watch(">", inactive_threshold=30.0)
        try:
            while True:
                entry = await watcher.updates(timeout=self.timeout)
                if entry is None:  # the first pass is done
                    return watcher
                self._take(entry)
        except BaseException:
            with contextlib.suppress(Exception):
                await watcher.stop()
            raise

    async def follow(self) -> None:
        """The background job: take in every change the watch delivers; begin it again every
        ``resync_seconds``. An error ends the job, and the service's supervisor starts it again."""
        import nats.errors

        loop = asyncio.get_running_loop()
        while True:
            watcher, self._watcher = self._watcher, None
            if watcher is None:
                watcher = await self._read_all()
            try:
                until = loop.time() + self.resync_seconds
                while (left := until - loop.time()) > 0:
                    try:
                        entry = await watcher.updates(timeout=min(left, self.timeout))
                    except nats.errors.TimeoutError:
                        continue
                    if entry is not None:
                        self._take(entry)
            finally:
                with contextlib.suppress(Exception):
                    await watcher.stop()

    def _take(self, entry: Any) -> None:
        """One entry the watch delivered: a record put, or one deleted."""
        if entry.key.startswith(REGIONS):
            self._take_region(entry)
            return
        if not entry.key.startswith(PREFIX):
            return
        name = entry.key[len(PREFIX) :]
        if entry.revision < self._revisions.get(entry.key, 0):
            return  # older than what this process wrote or saw last
        self._revisions[entry.key] = entry.revision
        if entry.operation in ("DEL", "PURGE") or not entry.value:
            self.keys.drop_issued(name)
            return
        try:
            record = KeyRecord.model_validate_json(entry.value)
        except ValueError:
            log.error("api keys: the entry %s of %s is not a key record; left out", entry.key, BUCKET)
            return
        self.keys.put_issued(record)

    def _take_region(self, entry: Any) -> None:
        region = entry.key[len(REGIONS) :]
        if entry.revision < self._revisions.get(entry.key, 0):
            return
        self._revisions[entry.key] = entry.revision
        if entry.operation in ("DEL", "PURGE") or not entry.value:
            self.keys.drop_region(region)
            return
        try:
            record = RegionRecord.model_validate_json(entry.value)
        except ValueError:
            log.error("regions: the entry %s of %s is not a region record; left out", entry.key, BUCKET)
            return
        self.keys.put_region(record)

    def _known(self, record: KeyRecord | None, name: str, revision: int) -> None:
        """What this process wrote itself, known here at once (the watch brings it again)."""
        if revision < self._revisions.get(entry_key(name), 0):
            return
        self._revisions[entry_key(name)] = revision
        if record is None:
            self.keys.drop_issued(name)
        else:
            self.keys.put_issued(record)

    # ------------------------------------------------------------------ writing

    async def _bound(self) -> Any:
        try:
            return await self.open()
        except KeyStoreUnavailable:
            raise
        except Exception as exc:
            self._kv = None
            raise KeyStoreUnavailable(repr(exc)) from exc

    async def read(self, name: str) -> tuple[KeyRecord, int] | None:
        """The bucket's record of a key and its revision, read from the bucket now."""
        from nats.js.errors import KeyDeletedError, KeyNotFoundError

        kv = await self._bound()
        try:
            entry = await kv.get(entry_key(name))
        except (KeyNotFoundError, KeyDeletedError):
            return None
        except Exception as exc:
            self._kv = None
            raise KeyStoreUnavailable(repr(exc)) from exc
        if not entry.value:
            return None
        return KeyRecord.model_validate_json(entry.value), entry.revision

    async def create(self, record: KeyRecord) -> int:
        """Add a new key's record; :class:`NameTaken` when its name exists. Its revision."""
        from nats.js.errors import KeyWrongLastSequenceError

        kv = await self._bound()
        try:
            revision: int = await kv.create(entry_key(record.name), record.model_dump_json().encode())
        except KeyWrongLastSequenceError:
            raise NameTaken(record.name) from None
        except Exception as exc:
            self._kv = None
            raise KeyStoreUnavailable(repr(exc)) from exc
        self._known(record, record.name, revision)
        return revision

    async def replace(self, record: KeyRecord, revision: int) -> int:
        """Write a key's record over the revision read; :class:`Changed` when it changed since."""
        from nats.js.errors import KeyWrongLastSequenceError

        kv = await self._bound()
        try:
            written: int = await kv.update(
                entry_key(record.name), record.model_dump_json().encode(), last=revision
            )
        except KeyWrongLastSequenceError:
            raise Changed(record.name) from None
        except Exception as exc:
            self._kv = None
            raise KeyStoreUnavailable(repr(exc)) from exc
        self._known(record, record.name, written)
        return written

    async def withdraw(self, name: str, revision: int) -> None:
        """Take back a key just created whose issue could not be completed (its key was never
        shown): its entry deleted, if it is still the revision written."""
        kv = await self._bound()
        deleted = await kv.delete(entry_key(name), last=revision)
        if deleted:
            self._known(None, name, revision + 1)

    # ------------------------------------------------------------------ regions

    async def create_region(self, record: RegionRecord) -> int:
        """Add a region's record; :class:`NameTaken` when the region's entry exists."""
        from nats.js.errors import KeyWrongLastSequenceError

        kv = await self._bound()
        try:
            revision: int = await kv.create(region_key(record.id), record.model_dump_json().encode())
        except KeyWrongLastSequenceError:
            raise NameTaken(record.id) from None
        except Exception as exc:
            self._kv = None
            raise KeyStoreUnavailable(repr(exc)) from exc
        self._revisions[region_key(record.id)] = revision
        self.keys.put_region(record)
        return revision

    async def read_region(self, region: str) -> RegionRecord | None:
        from nats.js.errors import KeyDeletedError, KeyNotFoundError

        kv = await self._bound()
        try:
            entry = await kv.get(region_key(region))
        except (KeyNotFoundError, KeyDeletedError):
            return None
        except Exception as exc:
            self._kv = None
            raise KeyStoreUnavailable(repr(exc)) from exc
        return RegionRecord.model_validate_json(entry.value) if entry.value else None

    async def forget_region(self, region: str, names: list[str]) -> None:
        """Purge a region's record and its keys' entries (every revision of each), so that no
        record of the region is left in the bucket. Idempotent."""
        kv = await self._bound()
        try:
            for name in names:
                await kv.purge(entry_key(name))
                self._known(None, name, self._revisions.get(entry_key(name), 0) + 1)
            await kv.purge(region_key(region))
        except Exception as exc:
            self._kv = None
            raise KeyStoreUnavailable(repr(exc)) from exc
        self.keys.drop_region(region)

    async def restore(self, region: RegionRecord | None, records: list[KeyRecord]) -> None:
        """Put an archived region's record and its keys' records into the bucket (a region moved
        from another platform); :class:`NameTaken` when one exists here already."""
        if region is not None:
            await self.create_region(region)
        for record in records:
            await self.create(record)
