from django.urls import path

from programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="list"),
    # Before <slug:slug>/, so that "applications" is never read as a programme.
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/move/", views.application_move, name="application_move"),
    path(
        "applications/<int:pk>/consortium/",
        views.application_add_to_consortium,
        name="application_add_to_consortium",
    ),
    path("<slug:slug>/", views.programme_detail, name="detail"),
]
