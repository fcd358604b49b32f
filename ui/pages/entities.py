from ui.views import entity_page

entity_page()
