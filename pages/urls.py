from django.urls import re_path

from . import views

app_name = "pages"

# Matches any address ending in a slash made of the characters the admin
# allows in a page's address (so a NUL byte, say, never reaches the
# database), and must come after every other pattern: calendar_site.urls
# includes it last. An address nothing else answers is looked up among the
# flat pages, and is a 404 if none has it.
urlpatterns = [
    re_path(r"^(?P<url>[-\w/.~]*/)$", views.flat_page, name="page"),
]
