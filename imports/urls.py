from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("imports/", views.batch_list, name="list"),
    path("imports/new/<slug:kind>/", views.batch_new, name="new"),
    path("imports/template/<slug:kind>/", views.template_download, name="template"),
    path("imports/<int:pk>/", views.batch_detail, name="detail"),
    path("imports/<int:pk>/status/", views.batch_status, name="status"),
    path("imports/<int:pk>/confirm/", views.batch_confirm, name="confirm"),
    path("imports/<int:pk>/discard/", views.batch_discard, name="discard"),
    path("imports/<int:pk>/file/", views.batch_file, name="file"),
]
