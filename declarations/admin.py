from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from declarations.models import (
    Commitment,
    CommitmentUpdate,
    Declaration,
    DeclarationSource,
    DeclarationTitle,
    Paragraph,
    ParagraphAnchorAlias,
    Topic,
)
from trilateral.admin import EditedAdmin, PublishableAdmin, RecordForm, VersionedInline
from trilateral.models import PublicationStatus
from trilateral.workflow import can_publish


@admin.register(Topic)
class TopicAdmin(PublishableAdmin):
    list_display = ("name", "slug", "publication_state")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "description")}),
        PublishableAdmin.publication_fieldset,
    )


class DeclarationTitleInline(VersionedInline, admin.TabularInline):
    model = DeclarationTitle
    fields = ("party", "used_by", "title", "language", "source_url")
    autocomplete_fields = ("party",)
    extra = 0


class ParagraphForm(RecordForm):
    """Once its declaration is published, a paragraph's anchor is part of citations: editors
    see it fixed. A publisher may still change it; the old anchor is then kept as an alias."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        paragraph = self.instance
        if (
            "anchor" in self.fields
            and paragraph.pk is not None
            and paragraph.declaration.publication_status == PublicationStatus.PUBLISHED
            and not can_publish(self.user, Declaration)
        ):
            self.fields["anchor"].disabled = True
            self.fields["anchor"].help_text = _(
                "Published: links cite this anchor, so it stays as it is."
            )


class ParagraphInline(VersionedInline, admin.StackedInline):
    model = Paragraph
    form = ParagraphForm
    fields = (("number", "anchor"), "heading", "text", "topics")
    autocomplete_fields = ("topics",)
    extra = 0


class DeclarationChildFieldMixin:
    """Offers only the paragraphs of the declaration being edited."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "paragraph":
            declaration_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Paragraph.objects.filter(declaration_id=declaration_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CommitmentInline(VersionedInline, DeclarationChildFieldMixin, admin.StackedInline):
    model = Commitment
    fields = (("order", "slug", "status"), "text", ("paragraph", "topic"))
    autocomplete_fields = ("topic",)
    show_change_link = True
    extra = 0


class ParagraphAnchorAliasInline(VersionedInline, DeclarationChildFieldMixin, admin.TabularInline):
    model = ParagraphAnchorAlias
    fields = ("anchor", "paragraph")
    extra = 0
    verbose_name_plural = _(
        "Old paragraph anchors: links to these still land on the paragraph they name"
    )


class DeclarationSourceInline(VersionedInline, admin.TabularInline):
    model = DeclarationSource
    fields = ("publisher", "title", "url", "published_on", "language")
    extra = 0


@admin.register(Declaration)
class DeclarationAdmin(PublishableAdmin):
    list_display = (
        "title",
        "meeting",
        "kind",
        "adopted_on",
        "is_excerpt",
        "publication_state",
    )
    list_filter = ("kind", "is_excerpt", "publication_status", "meeting__series", "topics")
    list_select_related = ("meeting",)
    search_fields = ("title", "slug", "summary", "titles__title", "paragraphs__text")
    autocomplete_fields = ("meeting", "topics")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (DeclarationTitleInline, ParagraphInline, CommitmentInline, DeclarationSourceInline)
    fieldsets = (
        (None, {"fields": ("meeting", "kind", "title", "slug", "adopted_on")}),
        (_("Content"), {"fields": ("summary", "is_excerpt", "topics")}),
        PublishableAdmin.publication_fieldset,
    )

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        # Old anchors matter only once links to the published text exist.
        if obj is not None and obj.publication_status == PublicationStatus.PUBLISHED:
            inlines.insert(2, ParagraphAnchorAliasInline)
        return inlines


@admin.register(DeclarationTitle)
class DeclarationTitleAdmin(EditedAdmin):
    list_display = ("title", "declaration", "party", "used_by", "language")
    list_filter = ("language", "party")
    list_select_related = ("declaration", "party")
    search_fields = ("title", "used_by")
    autocomplete_fields = ("declaration", "party")


@admin.register(Paragraph)
class ParagraphAdmin(EditedAdmin):
    list_display = ("__str__", "declaration", "number", "anchor", "heading")
    list_filter = ("declaration__meeting__series", "topics")
    list_select_related = ("declaration",)
    search_fields = ("text", "heading", "anchor", "declaration__title")
    autocomplete_fields = ("declaration", "topics")
    form = ParagraphForm


@admin.register(DeclarationSource)
class DeclarationSourceAdmin(EditedAdmin):
    list_display = ("title", "publisher", "declaration", "published_on", "language")
    list_filter = ("language", "publisher")
    list_select_related = ("declaration",)
    search_fields = ("title", "publisher", "url")
    autocomplete_fields = ("declaration",)


class CommitmentUpdateInline(VersionedInline, admin.TabularInline):
    model = CommitmentUpdate
    fields = ("reported_on", "meeting", "status", "note")
    autocomplete_fields = ("meeting",)
    extra = 0


@admin.register(Commitment)
class CommitmentAdmin(EditedAdmin):
    list_display = ("__str__", "declaration", "topic", "status")
    list_filter = ("status", "topic", "declaration__meeting__series")
    list_select_related = ("declaration", "topic")
    search_fields = ("text", "slug")
    autocomplete_fields = ("declaration", "paragraph", "topic")
    prepopulated_fields = {"slug": ("text",)}
    inlines = (CommitmentUpdateInline,)


@admin.register(CommitmentUpdate)
class CommitmentUpdateAdmin(EditedAdmin):
    list_display = ("commitment", "reported_on", "status", "meeting")
    list_filter = ("status",)
    list_select_related = ("commitment", "meeting")
    search_fields = ("commitment__text", "note")
    autocomplete_fields = ("commitment", "meeting")
