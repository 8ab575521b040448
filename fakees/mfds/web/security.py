"""Who may change what: the access setting, HTTP Basic, login sessions and CSRF tokens.

No I/O here; the web resource asks these objects and turns the answers into
statuses. The setting mirrors the product's "Restrict access" of MFDS: off by
default (anyone who reaches the port may administer, as on a fresh install);
when on, every mutating request must authenticate, with SYSAD/SYSAD unless
other credentials are configured. Reads stay open either way.

Environment of mfds32 (set before `mfds`):
    MFDS_RESTRICT_ACCESS=1          turn the restriction on (also yes/y/true/on)
    MFDS_ADMIN_USER, MFDS_ADMIN_PASSWORD   the credentials (default SYSAD / SYSAD)

Forms use the double-submit pattern with a keyed MAC: every browser gets a
random `mfds_session` cookie (HttpOnly, SameSite=Strict) and every form carries
HMAC(secret, cookie). The secret is new at each mfds32 start, so a token from
before a restart is stale and refused. A login binds a user to the cookie
value on the server side (bounded, expiring).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from fakees.mfds.api import DEFAULT_PASSWORD, DEFAULT_USER

SESSION_COOKIE = "mfds_session"
SESSION_LIFETIME = 8 * 3600.0
MAX_SESSIONS = 1024
TRUE_WORDS = {"1", "y", "yes", "true", "on"}


@dataclass(frozen=True)
class AccessPolicy:
    restricted: bool = False
    user: str = DEFAULT_USER
    password: str = DEFAULT_PASSWORD

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> AccessPolicy:
        return cls(
            restricted=environ.get("MFDS_RESTRICT_ACCESS", "").strip().lower() in TRUE_WORDS,
            user=environ.get("MFDS_ADMIN_USER") or DEFAULT_USER,
            password=environ.get("MFDS_ADMIN_PASSWORD") or DEFAULT_PASSWORD,
        )

    def check(self, user: str, password: str) -> bool:
        """Constant-time comparison of both fields (no early exit on the user name)."""
        ok_user = hmac.compare_digest(user.encode(), self.user.encode())
        ok_password = hmac.compare_digest(password.encode(), self.password.encode())
        return ok_user and ok_password


class BadAuthorization(ValueError):
    """An Authorization header that is not well-formed Basic."""


def parse_basic(header: str | None) -> tuple[str, str] | None:
    """(user, password) from `Authorization: Basic ...`, None when absent."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise BadAuthorization(f"unsupported authorization scheme {scheme!r}: use Basic")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise BadAuthorization(
            "malformed Basic credentials (not base64 of user:password)") from None
    user, colon, password = decoded.partition(":")
    if not colon:
        raise BadAuthorization("malformed Basic credentials (no ':' between user and password)")
    return user, password


@dataclass
class Sessions:
    """Browser sessions: CSRF tokens for all of them, a logged-in user for some."""

    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    clock: Callable[[], float] = time.monotonic
    users: OrderedDict[str, tuple[str, float]] = field(default_factory=OrderedDict)

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(24)

    def csrf_token(self, session_id: str) -> str:
        return hmac.new(self.secret, session_id.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session_id: str | None, token: str | None) -> bool:
        if not session_id or not token:
            return False
        return hmac.compare_digest(self.csrf_token(session_id), token)

    def login(self, session_id: str, user: str) -> None:
        self.users.pop(session_id, None)
        self.users[session_id] = (user, self.clock() + SESSION_LIFETIME)
        while len(self.users) > MAX_SESSIONS:
            self.users.popitem(last=False)

    def logout(self, session_id: str | None) -> None:
        if session_id:
            self.users.pop(session_id, None)

    def user(self, session_id: str | None) -> str | None:
        if not session_id or session_id not in self.users:
            return None
        user, expires = self.users[session_id]
        if self.clock() > expires:
            del self.users[session_id]
            return None
        return user
