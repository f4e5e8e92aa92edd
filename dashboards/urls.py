from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("dashboard/", views.province, name="province"),
    path("dashboard/late/", views.late, name="late"),
    path("dashboard/consortium/", views.coordinator, name="coordinator"),
    path("dashboard/consortium/<int:pk>/", views.coordinator, name="coordinator_for"),
]
