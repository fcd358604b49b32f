from ui.views import basket_page

basket_page()
