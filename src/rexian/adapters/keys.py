"""The server's event keys (docs/trust.md): kept in a file outside the database, so that someone who can
write to the database but cannot read this file cannot make an event, or a checkpoint, that `verify` accepts.

Every stored event carries `mac` = `<key id>:<keyed BLAKE2b of its chain hash and its global log sequence
number>`; the chain hash covers the event's content and its predecessor, so the MAC authenticates all three.
Keys rotate: `rexian keys rotate` adds a new current key and retires the old one, which stays in the file to
verify what it signed. An event signed
with a key after that key's retirement is refused by `verify` (a stolen old key replayed).

The file is JSON: {"format": "rexian-keys/1", "current": "k2", "keys": [{"id", "secret", "created_at",
"retired_at"}]}; it is created (mode 0600) by `rexian init` when absent. Its path is the `key_file` setting;
unset, it lies beside an SQLite database file (`rexian.db` → `rexian.db.keys`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from rexian.adapters.upgrade_seal import unverified_problem

FORMAT = "rexian-keys/1"


class KeyFileError(Exception):
    """The key file is missing, unreadable or not a key file (a clear one-line message)."""


@dataclass
class Key:
    key_id: str
    secret: bytes
    created_at: str
    retired_at: str | None = None
    # The last number of the global log sequence when the key was retired (`rotate_keys`): anything numbered
    # after it and signed by this key is a stolen old key replayed, whatever time it claims.
    retired_log_seq: int | None = None


class KeyRing:
    def __init__(self, keys: list[Key], current: str, path: Path | None = None):
        self.keys = {key.key_id: key for key in keys}
        self.current = current
        self.path = path
        if current not in self.keys:
            raise KeyFileError(f"密钥文件中没有当前密钥 {current}")

    # --- signing and checking -------------------------------------------------------------------------
    def sign(self, digest: str) -> str:
        return f"{self.current}:{_mac(self.keys[self.current].secret, digest)}"

    def problem(self, digest: str, mac: Any, at: datetime | None = None, log_seq: Any = None,
                current_only: bool = False) -> str | None:
        """None when `mac` authenticates `digest`; otherwise why not, in Chinese. `log_seq`: the record's number
        on the global log sequence (a retired key signs nothing after its retirement's number); `current_only`:
        rows re-signed at every rotation (sign-in material), which no retired key may have signed."""
        if not mac:
            return "没有服务器签名（不是经由本系统写入的事件）"
        marked = unverified_problem(mac)  # a row an upgrade found and could not check (adapters/upgrade_seal.py)
        if marked:
            return marked
        key_id, sep, value = str(mac).partition(":")
        key = self.keys.get(key_id)
        if not sep or key is None:
            return f"签名所用密钥{key_id!r}不在密钥文件中"
        # Compared as bytes: `compare_digest` raises TypeError on a str with any non-ASCII character, so one MAC
        # column written as 'k1:é' by SQL stopped verify (and every reader) with a traceback (trust13).
        if not hmac.compare_digest(_mac(key.secret, digest).encode("ascii"),
                                   value.encode("utf-8", "surrogateescape")):
            return "签名与内容不符（伪造或被改动）"
        if key.retired_at and at is not None and at.isoformat(timespec="seconds") > key.retired_at:
            return f"使用已于{key.retired_at}停用的密钥{key_id}签名（旧密钥被重放）"
        if key.retired_log_seq is not None and isinstance(log_seq, int) and log_seq > key.retired_log_seq:
            return f"日志序号{log_seq}晚于密钥{key_id}停用时的{key.retired_log_seq}，却由它签名（旧密钥被重放）"
        if current_only and key_id != self.current:
            return f"由已停用的密钥{key_id}签名（轮换时已用新密钥重签，旧密钥被重放）"
        return None

    def pseudonym(self, value: str) -> str:
        """A stable pseudonym of a caller's identifier, keyed by the first key (kept through rotations), so the
        same caller gets the same pseudonym and no one without the key file can reverse it from a phone list."""
        first = self.keys[min(self.keys, key=lambda key_id: (len(key_id), key_id))]
        return "P" + hashlib.blake2b(value.encode("utf-8"), key=first.secret, person=b"rexian-caller",
                                     digest_size=10).hexdigest()

    def salt(self, text: str) -> str:
        """A salt for the personal digest of history written from someone else's records (imports, simulator):
        derived from the key, not random, so that importing the same file again seals the same chain."""
        first = self.keys[min(self.keys, key=lambda key_id: (len(key_id), key_id))]
        return hashlib.blake2b(text.encode("utf-8"), key=first.secret, person=b"rexian-salt", digest_size=16).hexdigest()

    def sign_document(self, document: dict[str, Any]) -> str:
        return self.sign(_document_digest(document))

    def document_problem(self, document: dict[str, Any], mac: Any) -> str | None:
        return self.problem(_document_digest(document), mac)

    # --- the file -------------------------------------------------------------------------------------
    @classmethod
    def generate(cls, now: datetime | None = None, path: Path | None = None) -> KeyRing:
        return cls([_new_key("k1", now)], "k1", path)

    def rotate(self, now: datetime | None = None, log_seq: int | None = None) -> str:
        stamp = _stamp(now)
        self.keys[self.current].retired_at = stamp
        self.keys[self.current].retired_log_seq = log_seq
        number = max(int(key_id[1:]) for key_id in self.keys if key_id[1:].isdigit()) + 1
        key = _new_key(f"k{number}", now)
        self.keys[key.key_id] = key
        self.current = key.key_id
        return key.key_id

    def save(self, path: Path | None = None) -> Path:
        path = Path(path or self.path)
        document = {"format": FORMAT, "current": self.current,
                    "keys": [{"id": k.key_id, "secret": k.secret.hex(), "created_at": k.created_at,
                              "retired_at": k.retired_at,
                              **({"retired_log_seq": k.retired_log_seq} if k.retired_log_seq is not None else {})}
                             for k in self.keys.values()]}
        temporary = path.with_name(path.name + ".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1)
        os.replace(temporary, path)
        self.path = path
        return path

    @classmethod
    def load(cls, path: Path) -> KeyRing:
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
            if document.get("format") != FORMAT:
                raise ValueError("format")
            keys = [Key(item["id"], bytes.fromhex(item["secret"]), item["created_at"], item.get("retired_at"),
                        int(item["retired_log_seq"]) if item.get("retired_log_seq") is not None else None)
                    for item in document["keys"]]
            return cls(keys, document["current"], Path(path))
        except FileNotFoundError:
            raise KeyFileError(f"密钥文件不存在：{path}（运行 rexian init 创建，或设置 key_file）") from None
        # AttributeError (a JSON list or number) and RecursionError ("[[[[…") were tracebacks before trust13
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
            raise KeyFileError(f"密钥文件无法读取：{path}（{type(error).__name__}）") from None


def _mac(secret: bytes, digest: str) -> str:
    return hashlib.blake2b(digest.encode("utf-8"), key=secret, digest_size=16).hexdigest()


def _document_digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode("utf-8")).hexdigest()


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now()).replace(tzinfo=None).isoformat(timespec="seconds")


def _new_key(key_id: str, now: datetime | None) -> Key:
    return Key(key_id, secrets.token_bytes(32), _stamp(now))


# --- which key file belongs to which database ---------------------------------------------------------
_RINGS: weakref.WeakKeyDictionary[Engine, KeyRing] = weakref.WeakKeyDictionary()
_STAMPS: weakref.WeakKeyDictionary[Engine, Any] = weakref.WeakKeyDictionary()  # the key file's mtime when read
_PATHS: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()


def default_key_path(url: str) -> Path | None:
    """Beside an SQLite database file; None for in-memory SQLite and for server databases."""
    if not url.startswith("sqlite") or url in ("sqlite://", "sqlite:///:memory:") or url.endswith(":memory:"):
        return None
    database = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
    return Path(database + ".keys") if database else None


def use_key_file(engine: Engine, path: str | Path | None) -> None:
    """Tie an engine to its key file (bootstrap does this from the `key_file` setting)."""
    if path:
        _PATHS[engine] = Path(path)
        _RINGS.pop(engine, None)


def key_path(engine: Engine) -> Path | None:
    if engine in _PATHS:
        return _PATHS[engine]
    from rexian.settings import load_settings

    configured = load_settings()["key_file"]
    return Path(configured) if configured else default_key_path(engine.url.render_as_string(hide_password=False))


def keyring_for(engine: Engine, create: bool = False) -> KeyRing:
    """The engine's key ring: loaded from its key file (created first when `create`, as `init` does), and read
    again when the file changed (a rotation by another process: a running server signs with the new key from
    its next write on). In-memory SQLite gets a key that lives as long as the engine."""
    ring = _RINGS.get(engine)
    if ring is not None and (ring.path is None or _stamp_of(ring.path) == _STAMPS.get(engine)):
        return ring
    path = key_path(engine)
    if path is None:
        if engine.url.get_backend_name() == "sqlite":
            ring = KeyRing.generate()
        else:
            raise KeyFileError("服务器数据库须设置密钥文件：key_file（环境变量 REXIAN_KEY_FILE）")
    elif create and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        ring = KeyRing.generate(path=path)
        ring.save()
    else:
        ring = KeyRing.load(path)
    _RINGS[engine] = ring
    if ring.path is not None:
        _STAMPS[engine] = _stamp_of(ring.path)
    return ring


def _stamp_of(path: Path) -> Any:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


def rotate_keys(engine: Engine, now: datetime | None = None) -> tuple[str, str]:
    """Rotate the engine's key file (old id, new id): the retired key records the last log number it signed,
    taken while the log counter is locked, so that no writer signs with it after that number (writers read the
    key ring after taking their numbers); the sign-in material is signed again with the new key in the same
    transaction, so a session or token signed by the retired key is refused from then on."""
    from rexian.adapters.credentials import resign_all

    path = key_path(engine)
    if path is None:
        raise KeyFileError("内存数据库没有密钥文件")
    with engine.begin() as connection:
        last = take_log_seqs(connection, 0) - 1  # the counter's value, its row locked until commit
        ring = KeyRing.load(path)
        old = ring.current
        new = ring.rotate(now, last)
        ring.save()
        _RINGS[engine], _STAMPS[engine] = ring, _stamp_of(path)
        resign_all(connection, ring)
    return old, new


def forget_keyring(engine: Engine) -> None:
    """Drop the cached key ring (after a rotation written by another process)."""
    _RINGS.pop(engine, None)


LOG_COUNTER = "log"  # the counter of the global log sequence (docs/trust.md)


def event_digest(log_seq: Any, chain: Any, request_key: Any = None, request_command: Any = None) -> str:
    """What an event's `mac` authenticates: its chain hash (content, stream, seq, predecessor) and its place in
    the global log sequence, which runs 1, 2, 3 … without gaps across every event table. Removing any event —
    a ticket's newest ones, a whole ticket, a whole import — then leaves a gap `verify` names, unless it is the
    very newest tail of the whole log (docs/trust.md). A workflow event appended by a command sent with an
    idempotency key (0018_trust12) also carries the request (key digest and command fingerprint) under its MAC:
    the evidence a retry is answered from when the key's record was deleted, which cannot be cleared unnamed."""
    if request_key is None and request_command is None:
        return f"log:{log_seq}:{chain}"
    return f"log:{log_seq}:{chain}:request:{request_key}:{request_command}"


def take_log_seqs(connection, count: int) -> int:
    """Reserve `count` consecutive numbers of the global log sequence in the caller's transaction; the first.
    The counter row is locked until commit (PostgreSQL) and given back on rollback, so the numbers have no
    gaps; writers take it as their last lock, after their projection rows, so no two wait on each other."""
    from rexian.adapters.repository import next_counter

    return next_counter(connection, LOG_COUNTER, count) - count + 1


def sign_rows(connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Event rows (dicts with `hash`) with their `log_seq` taken and their `mac` filled by the current key."""
    if not rows:
        return rows
    first = take_log_seqs(connection, len(rows))
    ring = keyring_for(connection.engine)  # after the numbers: a rotation holds the counter (rotate_keys)
    for number, row in enumerate(rows, first):
        row["log_seq"] = number
        row["mac"] = ring.sign(event_digest(number, row["hash"], row.get("request_key"), row.get("request_command")))
    return rows


def head_digest(ticket_id: Any, last_seq: Any, head_hash: Any) -> str:
    """What a ticket row's `head_mac` authenticates: its stream, event count and chain head together, so that a
    chain truncated with its row's head rewritten to match carries no valid MAC (docs/trust.md)."""
    return f"head:{ticket_id}:{last_seq}:{head_hash}"


def sign_heads(connection, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ticket rows (dicts with `ticket_id`, `last_seq`, `head_hash`) with their `head_mac` filled."""
    ring = keyring_for(connection.engine)
    for row in rows:
        row["head_mac"] = ring.sign(head_digest(row["ticket_id"], row["last_seq"], row["head_hash"]))
    return rows
