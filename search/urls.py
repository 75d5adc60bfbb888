"""URLs under /search/."""

app_name = "search"
urlpatterns = []
