"""Who is at the screen: sign-in, sign-out and the principal every page passes to `pipelines`.

With no users in the data folder the app serves one person on their own machine, as local admin, and
says so. Once a user exists, every visit signs in: with the embedded user file (argon2 passwords), or
with Streamlit's OIDC login when `[auth]` is configured in secrets. Rights are re-read on every rerun,
so a removed or locked user is signed out at their next click.
"""

from __future__ import annotations

import streamlit as st

from pipelines.access import LOCAL_ADMIN, Principal
from pipelines.users import AuthError
from pipelines.workspace import Workspace

_KEY = "signed_in_user"


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_identity() -> str | None:
    try:
        if st.user.is_logged_in:
            return st.user.get("email")
    except Exception:  # st.user is unavailable outside a configured deployment
        return None
    return None


def current_principal(ws: Workspace) -> Principal | None:
    """The signed-in principal, re-checked against the user file; None if nobody is signed in."""
    if not ws.users.has_users():
        return LOCAL_ADMIN
    identity = _oidc_identity()
    if identity:
        return ws.users.principal_for_identity(identity)
    name = st.session_state.get(_KEY)
    if name is None:
        return None
    principal = ws.users.principal(name)
    if principal is None:  # removed or locked since signing in
        st.session_state.pop(_KEY, None)
        st.session_state["auth_notice"] = "You were signed out: your account was removed or locked."
    return principal


def sign_in_form(ws: Workspace) -> None:
    st.title("Dalil – دليل")
    if notice := st.session_state.pop("auth_notice", None):
        st.warning(notice)
    if _oidc_configured():
        st.button("Sign in with your organisation's account", on_click=st.login, type="primary")
        identity = _oidc_identity()
        if identity:
            st.error("Your account is not linked to a Dalil user yet; ask an admin to run `dalil users add NAME --oidc EMAIL`.")
    with st.form("sign-in"):
        name = st.text_input("User name")
        password = st.text_input("Password", type="password")
        if st.form_submit_button("Sign in", type="primary"):
            try:
                principal = ws.users.authenticate(name.strip(), password)
            except AuthError as exc:
                st.error(str(exc))
            else:
                st.session_state[_KEY] = principal.name
                st.rerun()


def sidebar(principal: Principal) -> None:
    with st.sidebar:
        if principal is LOCAL_ADMIN:
            st.caption("Single-user mode: no users are set up, so this app runs as local admin and shows everything. "
                       "Add users (`dalil users add`) before sharing it.")
            return
        clearance = "sees protected names" if principal.cleared else "protected names shown as pseudonyms"
        st.caption(f"Signed in as **{principal.name}** ({principal.top_role}; {clearance})")
        if st.button("Sign out", key="sign-out"):
            st.session_state.pop(_KEY, None)
            if _oidc_identity():
                st.logout()
            st.rerun()
