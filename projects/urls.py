from django.urls import path

from projects.views import consortium, plans, projects

app_name = "projects"
urlpatterns = [
    path("projects/", projects.project_list, name="list"),
    path("projects/new/", projects.project_create, name="create"),
    path("projects/<int:pk>/", projects.project_detail, name="detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="edit"),
    path("projects/<int:pk>/status/", projects.project_status, name="status"),
    path("pairings/<int:pk>/", projects.pairing_detail, name="pairing"),
    path("projects/<int:pk>/adopt/", projects.adopt_templates, {"kind": "project"}, name="adopt"),
    path(
        "pairings/<int:pk>/adopt/",
        projects.adopt_templates,
        {"kind": "pairing"},
        name="pairing_adopt",
    ),
    path(
        "projects/<int:pk>/indicators/new/",
        projects.indicator_create,
        {"kind": "project"},
        name="indicator_create",
    ),
    path(
        "pairings/<int:pk>/indicators/new/",
        projects.indicator_create,
        {"kind": "pairing"},
        name="pairing_indicator_create",
    ),
    path("indicators/<int:pk>/", projects.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/edit/", projects.indicator_edit, name="indicator_edit"),
    path("programmes/<slug:slug>/indicators/", projects.template_list, name="templates"),
    path("activities/", consortium.activity_list, name="activities"),
    path("activities/new/", consortium.activity_create, name="activity_create"),
    path("activities/<int:pk>/edit/", consortium.activity_edit, name="activity_edit"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/<str:action>/", plans.plan_action, name="plan_action"),
    path("attachments/<int:pk>/", plans.attachment_download, name="attachment"),
    path("consortia/<int:pk>/overview/", consortium.overview, name="overview"),
    path("consortia/<int:pk>/visits/", consortium.visit_list, name="visits"),
    path("consortia/<int:pk>/visits/new/", consortium.visit_create, name="visit_create"),
    path("visits/<int:pk>/edit/", consortium.visit_edit, name="visit_edit"),
    path("consortia/<int:pk>/meetings/", consortium.meeting_list, name="meetings"),
    path("meetings/<int:pk>/edit/", consortium.meeting_edit, name="meeting_edit"),
    path("consortia/<int:pk>/meetings/new/", consortium.meeting_create, name="meeting_create"),
]
