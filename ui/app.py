"""Dalil's Streamlit app: navigation only; each page lives in ui/pages/ and ui/views.py."""

import streamlit as st

st.set_page_config(page_title="Dalil – دليل", page_icon="⚖️", layout="wide")

PAGES = [
    st.Page("pages/search.py", title="Search", icon="🔎", default=True),
    st.Page("pages/document.py", title="Document", icon="📄"),
    st.Page("pages/entities.py", title="Entities", icon="👤"),
    st.Page("pages/names.py", title="Batch names", icon="📋"),
    st.Page("pages/ingest.py", title="Ingest", icon="⬆️"),
    st.Page("pages/basket.py", title="Brief basket", icon="🧺"),
]

try:
    from ui.auth import current_principal, sidebar, sign_in_form
    from ui.views import ready_workspace

    workspace = ready_workspace()
    principal = current_principal(workspace)
    if principal is None:
        sign_in_form(workspace)
        st.stop()
    sidebar(principal)
    if principal.is_admin:
        PAGES.append(st.Page("pages/audit.py", title="Audit log", icon="🛡️"))
    st.navigation(PAGES).run()
except Exception as exc:  # a friendly message, never a traceback, for the person at the screen
    st.error(f"Something went wrong: {type(exc).__name__}: {exc}")
