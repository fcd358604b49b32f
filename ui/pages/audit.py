from ui.views import audit_page

audit_page()
