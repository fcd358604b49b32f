"""The embedded user file: argon2 password hashes, roles and grants, lockout after failed sign-ins.

The file lives in the data folder (`users.json`, mode 0600) and is re-read on every lookup, so removing
or locking a user takes effect at that user's next action, in every running process.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipelines.access import ROLES, Principal

MAX_FAILURES = 5
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("dalil-no-such-user")
_NAME = re.compile(r"^[\w.@+-]{1,64}$")


class AuthError(PermissionError):
    """Sign-in refused. The message never says whether the user exists."""


@dataclass
class User:
    name: str
    password_hash: str
    role: str = "viewer"
    grants: dict[str, str] = field(default_factory=dict)
    locked: bool = False
    failures: int = 0
    oidc: str | None = None  # an identity (e-mail) that Streamlit's OIDC login maps to this user

    def principal(self) -> Principal:
        return Principal(self.name, self.role, dict(self.grants))


class UserFile:
    def __init__(self, path: str | Path):
        self.path = Path(path)

    # --- storage --------------------------------------------------------------------------------
    def _load(self) -> dict[str, User]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return {u["name"]: User(**u) for u in data.get("users", [])}

    def _save(self, users: dict[str, User]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".users.")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"users": [asdict(u) for u in users.values()]}, out, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)  # atomic: a reader never sees half a file

    def users(self) -> list[User]:
        return sorted(self._load().values(), key=lambda u: u.name)

    def has_users(self) -> bool:
        return bool(self._load())

    # --- management (dalil users …) -------------------------------------------------------------
    def add(self, name: str, password: str, role: str = "viewer", oidc: str | None = None) -> User:
        if not _NAME.match(name):
            raise ValueError("a user name is 1–64 letters, digits or . _ @ + -")
        _check_role(role)
        if len(password) < 10:
            raise ValueError("a password needs at least 10 characters")
        users = self._load()
        if name in users:
            raise ValueError(f"user {name!r} exists already")
        users[name] = User(name, _HASHER.hash(password), role, oidc=oidc)
        self._save(users)
        return users[name]

    def remove(self, name: str) -> None:
        users = self._load()
        if users.pop(name, None) is None:
            raise ValueError(f"no user {name!r}")
        self._save(users)

    def grant(self, name: str, collection: str, role: str) -> None:
        _check_role(role)
        self._update(name, lambda u: u.grants.__setitem__(collection, role))

    def revoke(self, name: str, collection: str) -> None:
        self._update(name, lambda u: u.grants.pop(collection, None))

    def set_locked(self, name: str, locked: bool) -> None:
        def change(user: User) -> None:
            user.locked, user.failures = locked, 0

        self._update(name, change)

    def _update(self, name: str, change) -> None:
        users = self._load()
        if name not in users:
            raise ValueError(f"no user {name!r}")
        change(users[name])
        self._save(users)

    # --- sign-in ----------------------------------------------------------------------------------
    def authenticate(self, name: str, password: str) -> Principal:
        users = self._load()
        user = users.get(name)
        try:
            _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
            ok = user is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and not user.locked:
            if user.failures:
                user.failures = 0
                self._save(users)
            return user.principal()
        if user is not None and not user.locked:
            user.failures += 1
            user.locked = user.failures >= MAX_FAILURES
            self._save(users)
            time.sleep(0.2)
        # One message for unknown users, wrong passwords and locked accounts: no user enumeration.
        raise AuthError("Sign-in failed: unknown user name or wrong password, or the account is locked.")

    def principal(self, name: str) -> Principal | None:
        """The current rights of a signed-in user; None once removed or locked."""
        user = self._load().get(name)
        return user.principal() if user and not user.locked else None

    def principal_for_identity(self, identity: str) -> Principal | None:
        for user in self._load().values():
            if user.oidc and user.oidc.casefold() == identity.casefold() and not user.locked:
                return user.principal()
        return None


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; roles are {', '.join(ROLES)}")
