from ui.views import document_page

document_page()
