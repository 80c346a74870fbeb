"""Admin pieces shared by both apps."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

RECORD_FIELDS = ("created_at", "updated_at", "version")


class EditedAdmin(admin.ModelAdmin):
    """Shows when a record was made and changed, and its version, but lets no one edit them."""

    readonly_fields = RECORD_FIELDS
    list_per_page = 50
    save_on_top = True


class PublishableAdmin(EditedAdmin):
    publication_fieldset = (
        _("Publication"),
        {"fields": ("publication_status", "published_at", *RECORD_FIELDS)},
    )
    list_filter = ("publication_status",)
    date_hierarchy = "published_at"
