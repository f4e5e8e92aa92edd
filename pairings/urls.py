from django.urls import path

from pairings import views

app_name = "pairings"
urlpatterns = [
    path("consortia/<int:pk>/", views.consortium_detail, name="consortium"),
]
