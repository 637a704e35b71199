"""The lock on an electronic session's ballots: a key pair derived from a passphrase, sealed sheets.

When the secretary opens a session he types a passphrase. Argon2id (libsodium's `crypto_pwhash`, through
PyNaCl) turns it, with a random salt, into a 32-byte seed, and the seed into an X25519 key pair. Only the
public key, the salt and the Argon2id costs are stored on the session. Each member's sheet is sealed to
the public key (libsodium's sealed box: an ephemeral key pair, X25519 and XSalsa20-Poly1305), after being
padded to one length for the whole session, so that neither the content nor the size of a stored sheet
says anything. At close the secretary types the passphrase again: the same seed, the same key pair; the
public key derived must be the stored one, otherwise the passphrase is wrong and nothing is opened.

The passphrase and the private key live in the memory of the one request that opens or closes the
session; they are never written, logged, queued, cached or put in a cookie, and no exception carries
them. No primitive is written here: the cryptography is libsodium's.
"""

from __future__ import annotations

import hmac
import json
import unicodedata
from dataclasses import dataclass

import nacl.exceptions
import nacl.utils
from nacl import pwhash
from nacl.public import PrivateKey, PublicKey, SealedBox

MIN_PASSPHRASE = 10
# Argon2id costs for production: 3 passes over 128 MiB (about half a second on a small server; paid twice
# per session). Settings NTM_BALLOT_KDF_OPSLIMIT / NTM_BALLOT_KDF_MEMLIMIT change them (the tests go cheap);
# the costs used are stored with the session, so a change never locks a session that is already open.
OPSLIMIT = pwhash.argon2id.OPSLIMIT_MODERATE
MEMLIMIT = 128 * 1024 * 1024
_LENGTH = 4  # bytes of the big-endian length prefix before the padding


class WrongPassphrase(Exception):
    """The passphrase does not give the session's key. Carries no part of it."""


@dataclass(frozen=True)
class Lock:
    """What is stored on the session: enough to re-derive the key pair from the passphrase, nothing more."""

    public_key: bytes
    salt: bytes
    opslimit: int
    memlimit: int


def normalise(passphrase: str) -> bytes:
    """NFC and trimmed: the same words typed with two Vietnamese keyboards (NFC or NFD) give the same key."""
    return unicodedata.normalize("NFC", passphrase or "").strip().encode("utf-8")


def _private_key(passphrase: str, salt: bytes, opslimit: int, memlimit: int) -> PrivateKey:
    seed = pwhash.argon2id.kdf(32, normalise(passphrase), salt, opslimit=opslimit, memlimit=memlimit)
    return PrivateKey.from_seed(seed)


def new_lock(passphrase: str, opslimit: int = OPSLIMIT, memlimit: int = MEMLIMIT) -> Lock:
    salt = nacl.utils.random(pwhash.argon2id.SALTBYTES)
    key = _private_key(passphrase, salt, opslimit, memlimit)
    return Lock(bytes(key.public_key), salt, opslimit, memlimit)


def unlock(passphrase: str, lock: Lock) -> PrivateKey:
    """The session's private key, or WrongPassphrase. The caller keeps it for the request only."""
    key = _private_key(passphrase, lock.salt, lock.opslimit, lock.memlimit)
    if not hmac.compare_digest(bytes(key.public_key), bytes(lock.public_key)):
        raise WrongPassphrase
    return key


def sheet_size(items: int, criteria: int) -> int:
    """The one length every sheet of a session is padded to: room for every candidate with every criterion
    at the longest encoding (ids and points of up to 12 digits), rounded up to a whole kibibyte."""
    longest = 16 + items * (48 + criteria * 30)
    return -(-longest // 1024) * 1024


def encode(choices: dict[int, tuple[str, dict[int, int]]], written: bool, size: int) -> bytes:
    """A sheet ({item: (choice, {criterion: points})}) as padded bytes of exactly `size`."""
    body = json.dumps({"w": bool(written), "c": [[item, choice, sorted(scores.items())]
                                                  for item, (choice, scores) in sorted(choices.items())]},
                      separators=(",", ":")).encode()
    if len(body) + _LENGTH > size:
        raise ValueError("sheet longer than the session's fixed size")
    return len(body).to_bytes(_LENGTH, "big") + body + bytes(size - _LENGTH - len(body))


def decode(padded: bytes) -> tuple[bool, dict[int, tuple[str, dict[int, int]]]]:
    length = int.from_bytes(padded[:_LENGTH], "big")
    data = json.loads(padded[_LENGTH:_LENGTH + length])
    return bool(data["w"]), {int(item): (choice, {int(c): int(p) for c, p in scores})
                             for item, choice, scores in data["c"]}


def seal(public_key: bytes, padded: bytes) -> bytes:
    return SealedBox(PublicKey(public_key)).encrypt(padded)


def unseal(key: PrivateKey, box: bytes) -> bytes:
    try:
        return SealedBox(key).decrypt(box)
    except nacl.exceptions.CryptoError as exc:  # a damaged row: said plainly, with nothing of the key
        raise ValueError("a sealed sheet does not open with the session's key") from exc
