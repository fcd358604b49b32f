"""The leak suite through the Streamlit app (AppTest): sign-in, restricted collections, pseudonyms."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.integration.test_protection import MARKER, PASSWORD, PROTECTED, seed

APP = str(ROOT / "ui" / "app.py")


@pytest.fixture(scope="module")
def seeded_ui(sample_data, tmp_path_factory):
    return seed(sample_data, tmp_path_factory)


@pytest.fixture
def app(seeded_ui, monkeypatch):
    monkeypatch.setenv("DALIL_DATA", seeded_ui["data"])
    return AppTest.from_file(APP, default_timeout=90)


def shown(app) -> str:
    """Everything the app put on the screen (element protos, charts and tables included)."""
    parts = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return "\n".join(parts)


def sign_in(app, name: str, password: str = PASSWORD):
    app.run()
    app.text_input[0].input(name)
    app.text_input[1].input(password)
    app.button[0].click().run()
    return app


def test_the_app_asks_for_a_sign_in_and_refuses_wrong_passwords(app):
    app.run()
    assert "Sign in" in shown(app) and not app.exception
    sign_in(app, "reader", "wrong password!")
    assert any("Sign-in failed" in e.value for e in app.error)
    assert not app.get("html")  # nothing of the corpus before signing in


def test_reader_without_rights_sees_neither_secret_on_any_page(app):
    sign_in(app, "reader")
    seen = []
    for query in (MARKER, "Marwan Qasimi", "protected witness testified", "Branch 251 survivor"):
        app.text_input(key="query").input(query).run()
        assert not app.exception
        seen.append(shown(app).replace(query, ""))
    assert "W-1 <mark>testified</mark>" in seen[2]  # the pseudonym stands where the name was
    app.switch_page("pages/document.py").run()
    documents = app.selectbox(key="doc_select")
    assert not any("internal-memo" in str(o) for o in documents.options)
    seen.append(shown(app))
    app.switch_page("pages/entities.py").run()
    app.text_input(key="entity_query").input("Witness W-1").run()
    assert not app.exception
    page = shown(app)
    assert "Witness W-1" in page
    seen.append(page)
    blob = "\n".join(seen)
    assert MARKER not in blob and "internal-memo" not in blob
    for name in PROTECTED:
        assert name not in blob


def test_cleared_editor_sees_the_name_and_the_restricted_document(app):
    sign_in(app, "editor1")
    app.text_input(key="query").input("protected witness testified").run()
    assert "Marwan Qasimi" in shown(app)
    app.text_input(key="query").input(MARKER).run()
    assert "internal-memo.md" in shown(app)


def test_a_removed_user_is_signed_out_at_the_next_click(app, seeded_ui):
    from pipelines.users import UserFile

    users = UserFile(f"{seeded_ui['data']}/users.json")
    users.add("leaving", PASSWORD, "viewer")
    sign_in(app, "leaving")
    app.text_input(key="query").input("Branch 251").run()
    assert app.get("html"), "signed in, the search shows passages"
    users.remove("leaving")
    app.text_input(key="query").input("Abteilung 251").run()
    assert not app.get("html"), "no passage is shown once the account is gone"
    assert any("sign in" in w.value.lower() for w in app.warning)
    app.run()
    assert not app.get("html")


def test_an_oidc_identity_maps_to_its_dalil_user(app, seeded_ui):
    """Streamlit's OIDC login is simulated by AppTest's st.user (no identity provider runs here)."""
    from pipelines.users import UserFile

    users = UserFile(f"{seeded_ui['data']}/users.json")
    if users.principal("amira-oidc") is None:
        users.add("amira-oidc", PASSWORD, "editor", oidc="amira@example.org")
    app.user = {"is_logged_in": True, "email": "Amira@example.org"}
    app.run()
    app.text_input(key="query").input("protected witness testified").run()
    assert not app.exception
    assert "Marwan Qasimi" in shown(app), "the mapped editor is cleared"


def test_an_unmapped_oidc_identity_sees_nothing(app):
    app.user = {"is_logged_in": True, "email": "stranger@example.org"}
    app.run()
    assert not app.get("html")
    assert "Sign in" in shown(app)
