from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from meetings.models import (
    Country,
    Meeting,
    MeetingSeries,
    MeetingSource,
    Organization,
    Participant,
    Person,
    PersonName,
    Remark,
    SeriesName,
)
from trilateral.admin import EditedAdmin, PublishableAdmin


@admin.register(Country)
class CountryAdmin(EditedAdmin):
    list_display = ("code", "short_name", "name", "alpha3", "numeric_code")
    search_fields = ("code", "name", "short_name", "alpha3")


@admin.register(Organization)
class OrganizationAdmin(EditedAdmin):
    list_display = ("name", "abbreviation", "country", "url")
    list_filter = ("country",)
    search_fields = ("name", "abbreviation", "slug")
    autocomplete_fields = ("country",)
    prepopulated_fields = {"slug": ("abbreviation",)}


class PersonNameInline(admin.TabularInline):
    model = PersonName
    fields = ("name", "language", "note")
    extra = 1


@admin.register(Person)
class PersonAdmin(EditedAdmin):
    list_display = ("name", "family_name", "given_name", "family_name_first", "slug")
    list_filter = ("family_name_first",)
    search_fields = ("name", "family_name", "given_name", "slug", "names__name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PersonNameInline,)


@admin.register(PersonName)
class PersonNameAdmin(EditedAdmin):
    list_display = ("name", "person", "language", "note")
    list_filter = ("language",)
    search_fields = ("name", "person__name")
    autocomplete_fields = ("person",)


class SeriesNameInline(admin.TabularInline):
    model = SeriesName
    fields = ("party", "used_by", "name", "language", "source_url")
    autocomplete_fields = ("party",)
    extra = 1


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(PublishableAdmin):
    list_display = ("name", "cadence", "established_on", "publication_status", "published_at")
    list_filter = ("cadence", "publication_status")
    search_fields = ("name", "short_name", "slug", "names__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("members",)
    inlines = (SeriesNameInline,)
    fieldsets = (
        (None, {"fields": ("name", "short_name", "slug", "cadence", "members")}),
        (_("Origin"), {"fields": ("established_on", "established_by", "description", "origin")}),
        PublishableAdmin.publication_fieldset,
    )


@admin.register(SeriesName)
class SeriesNameAdmin(EditedAdmin):
    list_display = ("name", "series", "party", "used_by", "language")
    list_filter = ("language", "party", "series")
    search_fields = ("name", "used_by")
    autocomplete_fields = ("series", "party")


class ParticipantInline(admin.TabularInline):
    model = Participant
    fields = (
        "order",
        "person",
        "country",
        "organization",
        "role_title",
        "is_head_of_delegation",
        "is_host",
    )
    autocomplete_fields = ("person", "country", "organization")
    extra = 0


class RemarkInline(admin.StackedInline):
    model = Remark
    fields = ("order", "speaker", "text", "source")
    autocomplete_fields = ("speaker", "source")
    extra = 0


class MeetingSourceInline(admin.TabularInline):
    model = MeetingSource
    fields = ("publisher", "title", "url", "published_on", "language")
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(PublishableAdmin):
    list_display = (
        "title",
        "series",
        "edition",
        "year",
        "start_date",
        "status",
        "host_country",
        "publication_status",
        "published_at",
    )
    list_filter = ("series", "status", "publication_status", "host_country", "year")
    list_select_related = ("series", "host_country")
    search_fields = ("title", "slug", "city", "venue", "summary")
    autocomplete_fields = ("series", "host_country")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "start_date"
    inlines = (ParticipantInline, RemarkInline, MeetingSourceInline)
    fieldsets = (
        (None, {"fields": ("series", "edition", "title", "slug", "status")}),
        (
            _("When and where"),
            {"fields": ("year", "start_date", "end_date", "host_country", "city", "venue")},
        ),
        (_("Account"), {"fields": ("summary", "body")}),
        PublishableAdmin.publication_fieldset,
    )


@admin.register(Participant)
class ParticipantAdmin(EditedAdmin):
    list_display = ("person", "meeting", "country", "organization", "role_title", "is_host")
    list_filter = ("country", "is_head_of_delegation", "is_host", "meeting__series")
    list_select_related = ("person", "meeting", "country", "organization")
    search_fields = ("person__name", "person__names__name", "role_title", "meeting__title")
    autocomplete_fields = ("meeting", "person", "country", "organization")


@admin.register(Remark)
class RemarkAdmin(EditedAdmin):
    list_display = ("__str__", "meeting", "order")
    list_filter = ("meeting__series",)
    list_select_related = ("meeting", "speaker__person")
    search_fields = ("text", "speaker__person__name")
    autocomplete_fields = ("meeting", "speaker", "source")


@admin.register(MeetingSource)
class MeetingSourceAdmin(EditedAdmin):
    list_display = ("title", "publisher", "meeting", "published_on", "language")
    list_filter = ("language", "publisher")
    list_select_related = ("meeting",)
    search_fields = ("title", "publisher", "url")
    autocomplete_fields = ("meeting",)
