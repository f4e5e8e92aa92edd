from django.urls import path

from outputs import views

app_name = "outputs"

urlpatterns = [
    path("outputs/", views.job_list, name="list"),
    path("outputs/new/<slug:kind>/", views.job_new, name="new"),
    path("outputs/<int:pk>/", views.job_detail, name="detail"),
    path("outputs/<int:pk>/status/", views.job_status, name="status"),
    path("outputs/<int:pk>/download/", views.job_download, name="download"),
]
