app_name = "authenticators"

urlpatterns = []
