"""Admin for the work bulletin (administrators only; see config/urls.py)."""

from django.contrib import admin

from bulletins import models


@admin.register(models.NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ["title", "institution", "programme", "section", "status", "created_at"]
    list_filter = ["status", "section", "programme"]
    search_fields = ["title", "body", "institution__name"]
    raw_id_fields = ["institution", "author"]


class EntryInline(admin.StackedInline):
    model = models.BulletinEntry
    extra = 0
    raw_id_fields = ["news_item"]


@admin.register(models.BulletinIssue)
class BulletinIssueAdmin(admin.ModelAdmin):
    list_display = ["title", "label", "programme", "issued_on", "status"]
    list_filter = ["status", "programme", "year"]
    readonly_fields = ["status", "published_at", "published_by", "created_by", "created_at"]
    inlines = [EntryInline]
