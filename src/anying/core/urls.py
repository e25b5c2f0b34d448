from django.urls import path

from . import views, work_views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account, name="account"),
    path("inbox/", views.inbox, name="inbox"),
    path("account/enterprise-accounts/", views.enterprise_accounts, name="enterprise_accounts"),
    path("account/enterprise-accounts/<int:pk>/active/", views.enterprise_account_active,
         name="enterprise_account_active"),
    path("account/enterprise-accounts/<int:pk>/password/", views.enterprise_account_password,
         name="enterprise_account_password"),
    path("todo/", work_views.todo, name="todo"),
    path("todo/badges/", work_views.badges, name="work_badges"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_edit, name="unit_create"),
    path("units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/new/", views.region_edit, name="region_create"),
    path("regions/<int:pk>/", views.region_edit, name="region_edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("audit/", views.audit_log, name="audit_log"),
    path("clocks/", views.clock_list, name="clock_list"),
    path("clocks/<slug:name>/", views.clock_edit, name="clock_edit"),
]
