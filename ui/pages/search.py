from ui.views import search_page

search_page()
