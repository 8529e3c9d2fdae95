"""Webhook signing secrets at rest: sealed with the newest key, opened with any, re-sealed when a
key is rotated; no key, no box."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from kraftsamla_assessment.adapters.secret_box import PREFIX, InvalidToken, MissingKey, SecretBox, box_for

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
SECRET = "whsec_c2VjcmV0LXNpZ25pbmcta2V5LTI0Ynl0ZXM="


def test_a_sealed_secret_is_not_the_secret_and_opens_to_it() -> None:
    box = SecretBox([OLD])
    sealed = box.seal(SECRET)
    assert sealed.startswith(PREFIX) and SECRET not in sealed and SECRET[6:] not in sealed
    assert box.open(sealed) == SECRET
    assert box.seal(SECRET) != sealed  # a fresh IV each time
    with pytest.raises(InvalidToken):
        SecretBox([NEW]).open(sealed)


def test_a_rotated_key_still_opens_and_each_secret_is_resealed_with_the_newest() -> None:
    sealed_old = SecretBox([OLD]).seal(SECRET)
    rotating = SecretBox([NEW, OLD])
    assert rotating.open(sealed_old) == SECRET
    resealed = rotating.reseal(sealed_old)
    assert resealed is not None and SecretBox([NEW]).open(resealed) == SECRET
    assert rotating.reseal(resealed) is None  # already the newest key's
    # A secret kept in plaintext before secrets were encrypted opens as itself and is sealed.
    assert rotating.open(SECRET) == SECRET
    plain_sealed = rotating.reseal(SECRET)
    assert plain_sealed is not None and SecretBox([NEW]).open(plain_sealed) == SECRET
    with pytest.raises(InvalidToken):
        SecretBox([Fernet.generate_key().decode()]).reseal(sealed_old)


def test_the_setting_holds_one_key_or_several_and_none_is_refused() -> None:
    assert box_for(SecretStr(f" {NEW} , {OLD} ")).open(SecretBox([OLD]).seal(SECRET)) == SECRET
    with pytest.raises(MissingKey, match="KRAFTSAMLA_SECRETS_KEY is not set"):
        box_for(None)
    with pytest.raises(MissingKey):
        box_for(SecretStr(" , "))
    with pytest.raises(ValueError, match="32 bytes in URL-safe base64"):
        box_for(SecretStr("not-a-key"))
