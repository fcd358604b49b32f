"""The embedded user file: argon2 hashes, one refusal message for every failure, lockout."""

import json

import pytest

from pipelines.access import ANONYMOUS, LOCAL_ADMIN, AccessDenied, Principal
from pipelines.users import MAX_FAILURES, AuthError, UserFile

PASSWORD = "a long enough secret"


@pytest.fixture
def users(tmp_path):
    file = UserFile(tmp_path / "users.json")
    file.add("amira", PASSWORD, "researcher")
    return file


def test_passwords_are_stored_as_argon2_hashes_only(users):
    raw = users.path.read_text()
    assert PASSWORD not in raw
    assert json.loads(raw)["users"][0]["password_hash"].startswith("$argon2id$")
    assert users.path.stat().st_mode & 0o077 == 0  # readable by the owner only


def test_right_password_signs_in_with_the_users_rights(users):
    principal = users.authenticate("amira", PASSWORD)
    assert principal == Principal("amira", "researcher", {})


def test_wrong_password_and_unknown_user_get_the_same_refusal(users):
    with pytest.raises(AuthError) as wrong:
        users.authenticate("amira", "not the password")
    with pytest.raises(AuthError) as unknown:
        users.authenticate("nobody", "not the password")
    assert str(wrong.value) == str(unknown.value)
    assert "amira" not in str(wrong.value)


def test_repeated_failures_lock_the_account_even_for_the_right_password(users):
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthError):
            users.authenticate("amira", "guess")
    with pytest.raises(AuthError):
        users.authenticate("amira", PASSWORD)
    assert users.principal("amira") is None
    users.set_locked("amira", False)
    assert users.authenticate("amira", PASSWORD).name == "amira"


def test_removed_user_has_no_principal_any_more(users):
    assert users.principal("amira") is not None
    users.remove("amira")
    assert users.principal("amira") is None
    with pytest.raises(AuthError):
        users.authenticate("amira", PASSWORD)


def test_bad_input_gets_clear_errors(users):
    with pytest.raises(ValueError, match="exists already"):
        users.add("amira", PASSWORD)
    with pytest.raises(ValueError, match="at least 10"):
        users.add("bilal", "short")
    with pytest.raises(ValueError, match="unknown role"):
        users.add("bilal", PASSWORD, "superuser")


def test_roles_decide_actions_and_clearance():
    researcher = Principal("r", "researcher", {"sealed": "viewer"})
    assert researcher.can_read("sealed", "restricted") and not researcher.can_read("other", "restricted")
    assert researcher.can_read("default", "public") and not researcher.cleared
    researcher.require("export")
    with pytest.raises(AccessDenied, match="editor"):
        researcher.require("edit")
    assert Principal("e", "viewer", {"sealed": "editor"}).cleared
    assert LOCAL_ADMIN.can_read("anything", "restricted") and LOCAL_ADMIN.cleared
    assert ANONYMOUS.can_read("default", "public") and not ANONYMOUS.can_read("sealed", "restricted")
    with pytest.raises(AccessDenied, match="anonymous"):
        ANONYMOUS.require("read")
