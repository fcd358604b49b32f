from ui.views import names_page

names_page()
