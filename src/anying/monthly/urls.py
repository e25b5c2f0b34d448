from django.urls import path

from . import views

app_name = "monthly"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.mine, name="mine"),
    path("<int:enterprise_id>/<str:month>/", views.report, name="report"),
    path("<int:enterprise_id>/<str:month>.docx", views.report_docx, name="report_docx"),
]
