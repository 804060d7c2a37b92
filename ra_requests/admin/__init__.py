"""Triage for RA teams: each team sees only its own provider's requests; national admins see all.

Importing this package registers the admin (Django's autodiscovery imports ``ra_requests.admin``).
"""

from .changelist import describe_age
from .decline_reasons import DeclineReasonAdmin
from .filters import HelpNeededFilter, RegionFilter, SLAStateFilter, StatusFilter
from .forms import RARequestAdminForm
from .paginator import TableEstimatePaginator
from .requests import RARequestAdmin
from .scoping import ProviderScopedAdminMixin

__all__ = [
    "DeclineReasonAdmin",
    "HelpNeededFilter",
    "ProviderScopedAdminMixin",
    "RARequestAdmin",
    "RARequestAdminForm",
    "RegionFilter",
    "SLAStateFilter",
    "StatusFilter",
    "TableEstimatePaginator",
    "describe_age",
]
