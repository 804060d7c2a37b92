app_name = "ra_requests"

urlpatterns = []
