from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("assessments/", views.scheme_list, name="list"),
    path("assessments/new/", views.scheme_new, name="new"),
    path("assessments/<int:pk>/", views.scheme_detail, name="scheme"),
    path("assessments/<int:pk>/indicators/new/", views.indicator_edit, name="indicator_new"),
    path(
        "assessments/<int:pk>/indicators/<int:indicator_pk>/",
        views.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "assessments/<int:pk>/indicators/<int:indicator_pk>/delete/",
        views.indicator_delete,
        name="indicator_delete",
    ),
    path("assessments/<int:pk>/weights/", views.weights_edit, name="weights"),
    path("assessments/<int:pk>/version/", views.scheme_version, name="version"),
    path("assessments/<int:pk>/data/", views.scheme_data, name="data"),
    path(
        "assessments/<int:pk>/data/<int:indicator_pk>/<int:party_pk>/",
        views.entry_edit,
        name="entry",
    ),
    path("assessments/<int:pk>/runs/", views.run_start, name="run_start"),
    path("assessments/runs/<int:pk>/", views.run_detail, name="run"),
    path("assessments/runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("assessments/runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    path("assessments/results/<int:pk>/", views.result_detail, name="result"),
    path("assessments/evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
