from django.views.generic import TemplateView

from .access import is_national_admin, ra_provider_for_user
from .models import Membership


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            context["memberships"] = (
                Membership.objects.filter(user=user)
                .select_related("organisation")
                .order_by("organisation__name")
            )
            context["ra_provider"] = ra_provider_for_user(user)
            context["is_national_admin"] = is_national_admin(user)
        return context
