from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.my_reports, name="mine"),
    path("reports/fill/<int:period_pk>/<int:institution_pk>/", views.report_fill, name="fill"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="action"),
    path("reports/review/", views.review_list, name="review"),
    path("reports/review/approve/", views.approve_selected, name="approve_selected"),
    path("reports/completeness/<slug:slug>/", views.completeness, name="completeness"),
    path("reports/periods/<int:pk>/edit/", views.period_edit, name="period_edit"),
    path("reports/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "reports/offline/<int:period_pk>/<int:institution_pk>/",
        views.report_upload_offline,
        name="upload_offline",
    ),
]
