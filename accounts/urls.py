from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("consortia/<int:pk>/people/", views.people, name="people"),
    path("consortia/<int:pk>/people/<int:affiliation_pk>/remove/", views.remove, name="remove"),
    path("consortia/<int:pk>/history/", views.history, name="history"),
]
