"""Admin pieces shared by both apps: no lost edits, full history with compare and restore, and
the draft → review → published workflow with its roles."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from trilateral import history, workflow
from trilateral.middleware import holds
from trilateral.models import Correction, PublicationStatus
from trilateral.translation import TRANSLATION_LANGUAGES, field_in, with_translations

RECORD_FIELDS = ("created_at", "updated_at", "version")


# --- No lost edits ------------------------------------------------------------------------------


class RecordForm(forms.ModelForm):
    """Carries the version the editor loaded; saving is refused when the stored record has
    moved on since, and the form then lists what changed meanwhile."""

    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )
    # The signed-in user, set by the admin that builds the form.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned_data = super().clean()
        if self.instance._state.adding:
            return cleaned_data
        loaded = cleaned_data.get("loaded_version")
        if loaded is None:
            raise ValidationError(
                _("The form did not say which version you edited. Reload the page and try again.")
            )
        try:
            history.check_version(self.instance, loaded)
        except history.VersionConflict as conflict:
            self.conflict = conflict
            # A second save, after reading the changes, is a deliberate choice to keep these edits.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = self.instance.version
            message = str(conflict)
            if self.prefix:  # a row of an inline: the list goes into the message itself
                message = " ".join(
                    [message, *(f"{c.label}: “{c.old}” → “{c.new}”." for c in conflict.changes)]
                )
            raise ValidationError(message, code="version_conflict") from None
        return cleaned_data


def with_user(form_class, user):
    return type(form_class.__name__, (form_class,), {"user": user})


def lock_on_post(request, queryset):
    """Inside the admin's save transaction, a POST locks the rows it loads until it commits, so
    the version checked is the version overwritten."""
    if request.method == "POST" and transaction.get_connection().in_atomic_block:
        return queryset.select_for_update(of=("self",))
    return queryset


# --- Values as they came -----------------------------------------------------------------------


class KnownKeysWidget:
    """Django's autocomplete widget looks the chosen keys up again to show them, as they came:
    one the related table cannot hold (text where it counts by number) made the form that
    should say "Select a valid choice" fail instead. Only keys the table can hold are looked
    up; the form's own validation reports the others."""

    def optgroups(self, name, value, attr=None):
        related = self.field.remote_field
        opts = related.model._meta
        key = opts.get_field(getattr(related, "field_name", opts.pk.attname))
        return super().optgroups(name, [v for v in value if holds(key, v)], attr)


class KnownKeysSelect(KnownKeysWidget, AutocompleteSelect):
    pass


class KnownKeysSelectMultiple(KnownKeysWidget, AutocompleteSelectMultiple):
    pass


class CheckedInputAdmin:
    """Where Django's admin takes a value from the form or the address as it came and fails
    on one it did not expect, the value is checked first. (NUL characters and numbers beyond
    the database's integers are answered by `AdminInputMiddleware`.)"""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget", KnownKeysSelect(db_field, self.admin_site, using=kwargs.get("using"))
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                KnownKeysSelectMultiple(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        """A new record's form takes its first values from the address (the admin's own links
        do so, e.g. ?meeting=3), as text; the date-and-time widget fails on text. A date and
        time is read as one, and left out when it is not one."""
        initial = super().get_changeform_initial_data(request)
        for field in self.model._meta.concrete_fields:
            if isinstance(field, models.DateTimeField) and field.name in initial:
                try:
                    initial[field.name] = forms.DateTimeField().clean(initial[field.name])
                except ValidationError:
                    del initial[field.name]
        return initial


# --- Three languages ----------------------------------------------------------------------------


class TranslationsAdmin:
    """Puts each translated field's Korean and Japanese versions on its row, side by side; the
    record's own form (not an inline's) also gets a Languages section: which versions are
    official texts, and how complete and current each translation is."""

    languages_section = True

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        translated = getattr(self.model, "translated_fields", ())
        if not translated:
            return fieldsets
        moved = {
            field_in(name, language) for name in translated for language in TRANSLATION_LANGUAGES
        } | {"official_languages", "language_status"}

        def row(entry):
            if isinstance(entry, str) and entry in translated:
                return tuple(with_translations(entry))
            return entry

        fieldsets = [
            (name, {**options, "fields": [row(e) for e in options["fields"] if e not in moved]})
            for name, options in fieldsets
        ]
        if self.languages_section:
            fieldsets.append(
                (gettext_lazy("Languages"), {"fields": ("official_languages", "language_status")})
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if getattr(self.model, "translated_fields", ()) and self.languages_section:
            readonly += ("language_status",)
        return readonly

    @admin.display(description=gettext_lazy("language versions"))
    def language_status(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return "; ".join(f"{version.name}: {version.state}" for version in obj.language_versions())


class VersionedInline(CheckedInputAdmin, TranslationsAdmin):
    """An inline whose rows carry their version like the main form."""

    form = RecordForm
    languages_section = False

    def get_queryset(self, request):
        return lock_on_post(request, super().get_queryset(request))

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "loaded_version"]}), *rest]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_user(formset.form, request.user)
        return formset


# --- History ------------------------------------------------------------------------------------


class ReadableDeltaHelper(HistoricalRecordContextHelper):
    """Shows choice labels, yes/no and names in the history list, as the compare page does."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        return history.display_value(field, history.deleted_as_none(value))


class HistoryAdmin(SimpleHistoryAdmin):
    """Every change listed with who and when; any two versions compared field by field; an
    earlier version restored as a new change."""

    object_history_template = "admin/record_history.html"
    compare_template = "admin/record_compare.html"
    restore_template = "admin/record_restore.html"

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(self.history_compare_view),
                name=f"{prefix}_history_compare",
            ),
            path(
                "<path:object_id>/history/<int:history_id>/restore/",
                view(self.history_restore_view),
                name=f"{prefix}_history_restore",
            ),
            *super().get_urls(),
        ]

    def admin_url(self, view, *args):
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}", args=args)

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableDeltaHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history's revert form saves without the version check; restore goes through
        # the confirmation page instead.
        try:
            history_id = int(version_id)
        except ValueError:
            history_id = -1
        if history_id < 0:
            raise Http404(_("There is no such version."))
        return HttpResponseRedirect(self.admin_url("history_restore", object_id, history_id))

    def _object_id(self, object_id):
        """The id from the address, or a 404 for one that could never be an id."""
        try:
            return self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404(_("There is no such record.")) from None

    def history_view(self, request, object_id, extra_context=None):
        self._object_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def _history_records(self, request, object_id):
        """The object's history rows, newest first, and the object (or its last known state
        when it was deleted)."""
        object_id = self._object_id(object_id)
        records = self.model.history.filter(id=object_id).select_related("history_user")
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is None:
            last = records.first()
            if last is None:
                raise Http404(_("There is no such record and no history of one."))
            obj = last.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        return records, obj

    def _history_context(self, request, obj, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "history_url": self.admin_url("history", obj.pk),
            **context,
        }

    def history_compare_view(self, request, object_id):
        records, obj = self._history_records(request, object_id)
        form = CompareForm(request.GET)
        if not form.is_valid():
            context = self._history_context(
                request, obj, title=_("Compare versions"), errors=form.errors
            )
            return TemplateResponse(request, self.compare_template, context, status=400)
        old_id, new_id = form.cleaned_data.get("old"), form.cleaned_data.get("new")
        if old_id is None or new_id is None:
            # Without a choice, the last change is the one worth seeing.
            newest = list(records[:2])
            if len(newest) < 2:
                raise Http404(_("This record has only one version so far."))
            new_id, old_id = new_id or newest[0].pk, old_id or newest[1].pk
        old = get_object_or_404(records, pk=old_id)
        new = get_object_or_404(records, pk=new_id)
        if (old.history_date, old.pk) > (new.history_date, new.pk):
            old, new = new, old
        context = self._history_context(
            request,
            obj,
            title=_("Compare versions of %(record)s") % {"record": obj},
            old=old,
            new=new,
            changes=history.diff(old, new),
        )
        return TemplateResponse(request, self.compare_template, context)

    def history_restore_view(self, request, object_id, history_id):
        records, obj = self._history_records(request, object_id)
        record = get_object_or_404(records, pk=history_id)
        exists = obj.pk is not None and self.get_queryset(request).filter(pk=obj.pk).exists()
        allowed = (
            self.has_change_permission(request, obj) if exists else self.has_add_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        history_url = self.admin_url("history", obj.pk)
        form = RestoreForm(request.POST or None, initial={"loaded_version": obj.version})
        if request.method == "POST" and form.is_valid():
            try:
                restored = history.restore_version(
                    record=record,
                    user=request.user,
                    expected_version=form.cleaned_data["loaded_version"] if exists else None,
                )
            except history.VersionConflict as conflict:
                self.message_user(request, str(conflict), messages.ERROR)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    _("Version %(version)s cannot be restored, so nothing was changed: %(why)s")
                    % {"version": record.version, "why": history.restore_error_message(error)},
                    messages.ERROR,
                )
                return HttpResponseRedirect(history_url)
            else:
                self.log_change(request, restored, _("Restored version %s") % record.version)
                self.message_user(
                    request,
                    _("Version %(version)s of “%(record)s” is the current one again.")
                    % {"version": record.version, "record": restored},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self.admin_url("change", restored.pk))
        latest = records.first()
        context = self._history_context(
            request,
            obj,
            title=_("Restore version %(version)s of %(record)s")
            % {"version": record.version, "record": obj},
            record=record,
            form=form,
            exists=exists,
            changes=history.diff(latest, record) if latest.pk != record.pk else [],
        )
        return TemplateResponse(request, self.restore_template, context)


class CompareForm(forms.Form):
    old = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    new = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class RestoreForm(forms.Form):
    loaded_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1
    )


# --- Records ------------------------------------------------------------------------------------


class EditedAdmin(CheckedInputAdmin, TranslationsAdmin, HistoryAdmin):
    """Shows when a record was made and changed, and its version, but lets no one edit them;
    refuses a save that would overwrite someone else's newer one."""

    form = RecordForm
    change_form_template = "admin/record_change_form.html"
    readonly_fields = RECORD_FIELDS
    list_per_page = 50
    save_on_top = True

    def get_form(self, request, obj=None, change=False, **kwargs):
        return with_user(super().get_form(request, obj, change, **kwargs), request.user)

    def get_object(self, request, object_id, from_field=None):
        # Only the saving POST locks; the admin's change view runs it in a transaction.
        queryset = lock_on_post(request, self.get_queryset(request))
        model = queryset.model
        field = model._meta.pk if from_field is None else model._meta.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (model.DoesNotExist, ValidationError, ValueError):
            return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            object_id
            and request.method == "POST"
            and self.get_object(request, unquote(object_id)) is None
        ):
            self.message_user(
                request,
                _(
                    "This %(record)s was deleted while you were editing it, so your changes "
                    "were not saved. Its history still holds every version, and one can be "
                    "restored from there."
                )
                % {"record": self.opts.verbose_name},
                messages.ERROR,
            )
            return HttpResponseRedirect(self.admin_url("changelist"))
        return super().changeform_view(request, object_id, form_url, extra_context)


class PublicationForm(RecordForm):
    """Applies the roles to the publication fields: a publisher's "published" without a time
    means now; anyone else may only move a record between draft and review."""

    def clean(self):
        cleaned_data = super().clean()
        status = cleaned_data.get("publication_status", self.instance.publication_status)
        published_at = cleaned_data.get("published_at", self.instance.published_at)
        stored = self.instance.published_at
        if published_at and stored and published_at == stored.replace(microsecond=0):
            # The form shows whole seconds; an untouched time is not a change.
            published_at = cleaned_data["published_at"] = stored
        if (
            status == PublicationStatus.PUBLISHED
            and published_at is None
            and "published_at" in self.fields
        ):
            published_at = cleaned_data["published_at"] = timezone.now()
        try:
            workflow.check_publication_change(
                user=self.user,
                instance=self.instance,
                new_status=status,
                new_published_at=published_at,
            )
        except PermissionDenied as error:
            raise ValidationError(str(error)) from None
        return cleaned_data


class CorrectionInline(VersionedInline, GenericTabularInline):
    model = Correction
    fields = ("corrected_at", "text")
    extra = 1
    verbose_name = gettext_lazy("public correction")
    verbose_name_plural = gettext_lazy(
        "Public corrections: when you correct this published record, say here what changed. "
        "The note shows at the foot of its page and in its feed entry."
    )


class PublishableAdmin(EditedAdmin):
    form = PublicationForm
    publication_fieldset = (
        gettext_lazy("Publication"),
        {"fields": ("publication_status", "published_at", *RECORD_FIELDS)},
    )
    list_filter = ("publication_status",)
    date_hierarchy = "published_at"
    actions = ("submit_for_review", "publish_now", "unpublish")

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user, self.model)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self.has_publish_permission(request):
            return readonly
        readonly += ("published_at",)
        if obj is not None and obj.publication_status not in workflow.EDITABLE_STATES:
            readonly += ("publication_status",)
        return readonly

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "publication_status" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                choice for choice in PublicationStatus.choices if choice[0] != "published"
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is not None and obj.publication_status == PublicationStatus.PUBLISHED:
            return [*inlines, CorrectionInline]
        return inlines

    def _apply(self, request, queryset, move, done_message):
        moved = 0
        for record in queryset:
            try:
                record, changed = move(record=record, user=request.user)
            except PermissionDenied as error:
                self.message_user(request, f"{record}: {error}", messages.ERROR)
                continue
            if changed:
                moved += 1
                self.log_change(request, record, done_message(1))
        if moved:
            self.message_user(request, done_message(moved), messages.SUCCESS)
        else:
            self.message_user(request, _("Nothing needed to change."), messages.WARNING)

    @admin.action(description=gettext_lazy("Submit for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply(
            request,
            queryset,
            workflow.record_submit_for_review,
            lambda n: (
                ngettext(
                    "%(n)d record submitted for review.", "%(n)d records submitted for review.", n
                )
                % {"n": n}
            ),
        )

    @admin.action(description=gettext_lazy("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        self._apply(
            request,
            queryset,
            workflow.record_publish,
            lambda n: ngettext("%(n)d record published.", "%(n)d records published.", n) % {"n": n},
        )

    @admin.action(description=gettext_lazy("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._apply(
            request,
            queryset,
            workflow.record_unpublish,
            lambda n: (
                ngettext(
                    "%(n)d record unpublished and back to draft.",
                    "%(n)d records unpublished and back to draft.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.display(description=gettext_lazy("publication"), ordering="publication_status")
    def publication_state(self, obj):
        """Published, scheduled (with its time), in review or draft, at a glance."""
        if obj.is_scheduled:
            return _("Scheduled for %(time)s") % {
                "time": history.display_value(self.opts.get_field("published_at"), obj.published_at)
            }
        return obj.get_publication_status_display()


@admin.register(Correction)
class CorrectionAdmin(EditedAdmin):
    list_display = ("text", "record", "content_type", "corrected_at")
    list_filter = ("content_type",)
    list_select_related = ("content_type",)
    search_fields = ("text",)
    date_hierarchy = "corrected_at"
    fields = ("content_type", "object_id", "corrected_at", "text", *RECORD_FIELDS)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("record")
