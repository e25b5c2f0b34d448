from django.urls import path

from . import views_accidents as accidents
from . import views_dashboard as dashboard
from . import views_keytasks as keytasks
from . import views_reports as reports

urlpatterns: list = [
    path("", dashboard.dashboard_page, name="dashboard"),
    # 晾晒排名 and 定期报告
    path("rankings/", reports.ranking_list, name="ranking_list"),
    path("rankings/<int:pk>/", reports.ranking_detail, name="ranking_detail"),
    path("rankings/<int:pk>/publish/", reports.ranking_publish, name="ranking_publish"),
    path("rankings/schemes/<int:pk>/", reports.scheme_edit, name="scheme_edit"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>.docx", reports.report_download, name="report_download"),
    # 生产安全事故
    path("accidents/", accidents.accident_list, name="accident_list"),
    path("accidents/new/", accidents.accident_edit, name="accident_new"),
    path("accidents/enterprises/", accidents.accident_enterprise_search, name="accident_enterprise_search"),
    path("accidents/interviews/", accidents.interview_list, name="accident_interviews"),
    path("accidents/of/<int:enterprise_id>/", accidents.enterprise_accidents, name="accident_enterprise"),
    path("accidents/interviews/<int:year>/<int:enterprise_id>/", accidents.interview_record,
         name="accident_interview_record"),
    path("accidents/<int:pk>/", accidents.accident_detail, name="accident_detail"),
    path("accidents/<int:pk>/edit/", accidents.accident_edit, name="accident_edit"),
    path("accidents/<int:pk>/act/<str:name>/", accidents.accident_act, name="accident_act"),
    # 重点任务“挂图作战”
    path("key-tasks/", keytasks.keytask_list, name="keytask_list"),
    path("key-tasks/new/", keytasks.keytask_edit, name="keytask_new"),
    path("key-tasks/tables/new/", keytasks.keytask_table_edit, name="keytask_table_new"),
    path("key-tasks/tables/<int:pk>/edit/", keytasks.keytask_table_edit, name="keytask_table_edit"),
    path("key-tasks/<int:pk>/", keytasks.keytask_detail, name="keytask_detail"),
    path("key-tasks/<int:pk>/edit/", keytasks.keytask_edit, name="keytask_edit"),
    path("key-tasks/<int:pk>/report/", keytasks.keytask_report, name="keytask_report"),
    path("key-tasks/<int:pk>/files/<int:attachment_id>/", keytasks.keytask_file, name="keytask_file"),
]
