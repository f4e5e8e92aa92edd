from django.urls import path

from schools import views

app_name = "schools"
urlpatterns = [
    path("institutions/", views.institution_list, name="institution_list"),
    path("institutions/<int:pk>/", views.institution_detail, name="institution"),
    path("regions/", views.region_tree, name="regions"),
    path("regions/<str:code>/", views.region_tree, name="region"),
]
