from ui.views import ingest_page

ingest_page()
