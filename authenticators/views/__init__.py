from .editing import (
    ChooseAuthenticatorsView,
    EstateView,
    InventoryView,
    LocalApplicationCreateView,
    LocalApplicationDeleteView,
    UserGroupDeleteView,
    UserGroupFormView,
)
from .plan import CsvExportView, MatrixView, PlanView, PrintView
from .public import ChooserView, recommendation_api

__all__ = [
    "ChooseAuthenticatorsView",
    "ChooserView",
    "CsvExportView",
    "EstateView",
    "InventoryView",
    "LocalApplicationCreateView",
    "LocalApplicationDeleteView",
    "MatrixView",
    "PlanView",
    "PrintView",
    "UserGroupDeleteView",
    "UserGroupFormView",
    "recommendation_api",
]
