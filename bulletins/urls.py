from django.urls import path

from bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("bulletins/", views.index, name="index"),
    path("bulletins/news/", views.news_list, name="news"),
    path("bulletins/news/push/", views.news_push, name="push"),
    path("bulletins/news/<int:pk>/decline/", views.news_decline, name="decline"),
    path("bulletins/programme/<slug:slug>/", views.issue_list, name="issues"),
    path("bulletins/programme/<slug:slug>/new/", views.issue_create, name="create"),
    path("bulletins/<int:pk>/", views.issue_detail, name="issue"),
    path("bulletins/<int:pk>/edit/", views.issue_edit, name="edit"),
    path("bulletins/<int:pk>/publish/", views.issue_publish, name="publish"),
    path("bulletins/<int:pk>/entries/add/", views.entry_add, name="entry_add"),
    path("bulletins/<int:pk>/entries/new/", views.entry_new, name="entry_new"),
    path("bulletins/entries/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("bulletins/entries/<int:pk>/delete/", views.entry_delete, name="entry_delete"),
    path("bulletins/entries/<int:pk>/move/<slug:direction>/", views.entry_move, name="entry_move"),
]
