"""Who may see what: collections, roles and the principal every read path takes.

A collection is `public` (readable by anyone, signed in or not) or `restricted` (readable only with a
grant). Roles are ordered: viewer < researcher < editor < admin. A user has a role for public collections
and per-collection grants; the highest role decides what they may *do*, and editors and admins are
*cleared* to see protected names (everyone else sees stable pseudonyms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("viewer", "researcher", "editor", "admin")
PUBLIC, RESTRICTED = "public", "restricted"
DEFAULT_COLLECTION = "default"

# What each action needs, at least.
NEEDS = {
    "read": "viewer",
    "export": "researcher",
    "batch-names": "researcher",
    "edit": "editor",  # merge/unmerge entities, mark people protected
    "admin": "admin",  # users, audit log, failures with file paths
}


class AccessDenied(PermissionError):
    """An action the principal may not take, with a message meant for them."""


def rank(role: str | None) -> int:
    return ROLES.index(role) + 1 if role in ROLES else 0


@dataclass(frozen=True)
class Principal:
    name: str
    role: str | None = None  # on public collections; None: anonymous (may read public collections only)
    grants: dict[str, str] = field(default_factory=dict)  # restricted collection → role

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def top_role(self) -> str | None:
        roles = [self.role, *self.grants.values()]
        return max(roles, key=rank) if any(roles) else None

    @property
    def cleared(self) -> bool:
        """May see protected names."""
        return rank(self.top_role) >= rank("editor")

    def role_on(self, collection: str, visibility: str) -> str | None:
        if self.is_admin:
            return "admin"
        if visibility == PUBLIC:
            return max((self.role or "viewer", self.grants.get(collection)), key=rank)
        return self.grants.get(collection)

    def can_read(self, collection: str, visibility: str) -> bool:
        return rank(self.role_on(collection, visibility)) >= rank("viewer")

    def require(self, action: str) -> None:
        needed = NEEDS[action]
        if rank(self.top_role) < rank(needed):
            who = "anonymous users" if self.role is None and not self.grants else f"user {self.name!r}"
            raise AccessDenied(f"{action} needs the {needed} role; {who} cannot do that")


LOCAL_ADMIN = Principal("local-admin", "admin")
ANONYMOUS = Principal("anonymous", None)
