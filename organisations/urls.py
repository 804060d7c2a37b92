from django.urls import path

from . import directory_views, signup_views, views

app_name = "organisations"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("sign-up/", signup_views.SignUpView.as_view(), name="signup"),
    path("organisations/new/", signup_views.RegisterOrganisationView.as_view(), name="register_organisation"),
    path("organisations/claims/<int:pk>/", signup_views.ClaimView.as_view(), name="claim"),
    path(
        "organisations/claims/<int:pk>/withdraw/",
        signup_views.WithdrawClaimView.as_view(),
        name="withdraw_claim",
    ),
    path("sign-up/check-your-email/", signup_views.SignUpDoneView.as_view(), name="signup_done"),
    path("confirm-email/resend/", signup_views.ResendConfirmationView.as_view(), name="resend_confirmation"),
    path("confirm-email/<str:token>/", signup_views.ConfirmEmailView.as_view(), name="confirm_email"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
    path("invitation/<str:token>/", views.AcceptInvitationView.as_view(), name="accept_invitation"),
    path("ra-team/directory-entry/", directory_views.directory_entry, name="directory_entry"),
    path("<str:ods_code>/team/", views.TeamView.as_view(), name="team"),
    path("<str:ods_code>/team/remove/", views.RemoveMembershipView.as_view(), name="remove_membership"),
    path(
        "<str:ods_code>/team/invitations/<int:pk>/withdraw/",
        views.CancelInvitationView.as_view(),
        name="cancel_invitation",
    ),
]
