"""mianshi.common.crypto: AES-GCM tokens, key rotation at the primitive level, blind index."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from mianshi.candidates.tests.conftest import KEY_1, KEY_2
from mianshi.common import crypto


def test_round_trip_and_token_shape() -> None:
    token = crypto.encrypt_str("13812345678", context="candidate.phone")
    assert token.startswith("v1:k1:")
    assert "13812345678" not in token
    assert crypto.decrypt_str(token, context="candidate.phone") == "13812345678"
    # A fresh nonce every time: equal plaintexts give different tokens.
    assert crypto.encrypt_str("13812345678") != crypto.encrypt_str("13812345678")


def test_empty_value_stays_empty() -> None:
    assert crypto.encrypt_str("") == ""
    assert crypto.decrypt_str("") == ""


def test_tampering_and_wrong_context_are_detected() -> None:
    token = crypto.encrypt_str("secret", context="candidate.phone")
    body = bytearray(base64.b64decode(token.split(":", 2)[2]))
    body[-1] ^= 1
    tampered = "v1:k1:" + base64.b64encode(bytes(body)).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_str(tampered, context="candidate.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_str(token, context="candidate.email")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_str("not-a-token")


def test_old_key_still_decrypts_new_key_encrypts(settings: Any) -> None:
    old = crypto.encrypt_str("110105199003070017")
    settings.ENCRYPTION_KEYS = [KEY_2, KEY_1]
    assert crypto.decrypt_str(old) == "110105199003070017"
    assert crypto.encrypt_str("x").startswith("v1:k2:")
    settings.ENCRYPTION_KEYS = [KEY_2]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_str(old)


@pytest.mark.parametrize(
    "keys",
    [
        ["k1:ZGVtby1rZXktZGVtby1rZXktZGVtby1rZXktMDA="],  # the committed demo key: 29 bytes
        ["k1:not base64!"],
        ["no-colon"],
        [],
        [KEY_1, KEY_1],
        ["bad:id:" + base64.b64encode(b"1" * 32).decode()],
    ],
)
def test_bad_keys_are_refused_clearly(settings: Any, keys: list[str]) -> None:
    settings.ENCRYPTION_KEYS = keys
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt_str("x")


def test_blind_index_normalises_and_separates_kinds(settings: Any) -> None:
    bidx = crypto.blind_index
    assert bidx("11010519491231002x", kind="id_number") == bidx(
        "110105 19491231 002X", kind="id_number"
    )
    assert bidx("+86 138-1234-5678", kind="phone") == bidx("13812345678", kind="phone")
    assert bidx(" Zhang@Example.COM ", kind="email") == bidx("zhang@example.com", kind="email")
    assert bidx("13812345678", kind="phone") != bidx("13812345678", kind="id_number")
    assert bidx("", kind="phone") == ""
    before = bidx("13812345678", kind="phone")
    settings.BLIND_INDEX_KEY = "another-blind-index-key-xxxxxxxx"
    assert bidx("13812345678", kind="phone") != before
    settings.BLIND_INDEX_KEY = "short"
    with pytest.raises(ImproperlyConfigured):
        bidx("13812345678", kind="phone")


def test_file_bytes_round_trip_and_key_id() -> None:
    sealed = crypto.encrypt_bytes(b"%PDF-1.4 resume", context="candidate.resume:1")
    assert crypto.key_id_of(sealed) == "k1"
    assert b"resume" not in sealed
    assert crypto.decrypt_bytes(sealed, context="candidate.resume:1") == b"%PDF-1.4 resume"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(sealed, context="candidate.resume:2")
