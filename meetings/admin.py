from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path
from django.utils.translation import gettext
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
from meetings.services import meeting_plan_next_edition
from trilateral.admin import EditedAdmin, PublishableAdmin, VersionedInline


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


class PersonNameInline(VersionedInline, admin.TabularInline):
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


class SeriesNameInline(VersionedInline, admin.TabularInline):
    model = SeriesName
    fields = ("party", "used_by", "name", "language", "source_url")
    autocomplete_fields = ("party",)
    extra = 1


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(PublishableAdmin):
    list_display = ("name", "cadence", "established_on", "publication_state")
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


class ParticipantInline(VersionedInline, admin.TabularInline):
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


class RemarkInline(VersionedInline, admin.StackedInline):
    model = Remark
    fields = ("order", "speaker", "text", "source")
    autocomplete_fields = ("speaker", "source")
    extra = 0


class MeetingSourceInline(VersionedInline, admin.TabularInline):
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
        "publication_state",
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
    actions = (*PublishableAdmin.actions, "plan_next_edition")
    change_form_template = "admin/meetings/meeting/change_form.html"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/plan-next-edition/",
                self.admin_site.admin_view(self.plan_next_edition_view),
                name="meetings_meeting_plan_next_edition",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Plan the next edition"), permissions=["add"])
    def plan_next_edition(self, request, queryset):
        if len(queryset) != 1:
            self.message_user(
                request,
                gettext("Choose the one meeting whose next edition you want to plan."),
                messages.WARNING,
            )
            return None
        return self._plan_next_edition(request, queryset[0])

    def plan_next_edition_view(self, request, object_id):
        """The one-click button on a meeting's page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        meeting = self.get_object(request, unquote(object_id))
        if meeting is None:
            raise Http404(gettext("There is no such meeting."))
        return self._plan_next_edition(request, meeting)

    def _plan_next_edition(self, request, meeting):
        try:
            planned = meeting_plan_next_edition(meeting=meeting, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(self.admin_url("change", meeting.pk))
        self.log_addition(request, planned, gettext("Planned after %s") % meeting)
        self.message_user(
            request,
            gettext(
                "“%(meeting)s” is planned as a draft for %(year)s. Add its date, host and venue."
            )
            % {"meeting": planned, "year": planned.year},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self.admin_url("change", planned.pk))


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
