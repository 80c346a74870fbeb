"""Records in three languages.

English is the source text and lives in the field itself (`name`); the Korean and Japanese
versions sit beside it in columns of their own (`name_ko`, `name_ja`), declared with
`translations()`. Being columns of the same row, translations cost no extra query on any page.

Each translated record also keeps:
- `official_languages`: the language versions that are an official text of a party; the others
  are this site's own translations, and the pages say so;
- `translation_versions`: the record version at which each language's text last changed, so a
  translation made before the English text last changed is shown as stale.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from trilateral.models import EditedModel

SOURCE_LANGUAGE = "en"
TRANSLATION_LANGUAGES = ("ko", "ja")
LANGUAGES = (SOURCE_LANGUAGE, *TRANSLATION_LANGUAGES)


def language_name(code):
    return dict(settings.LANGUAGES)[code]


def current_language():
    """The active language as one of the record's languages ("ko" for "ko-kr"), else English."""
    code = (translation.get_language() or SOURCE_LANGUAGE).split("-")[0].lower()
    return code if code in LANGUAGES else SOURCE_LANGUAGE


def field_in(field_name, language):
    """The column that holds a field's text in a language."""
    return field_name if language == SOURCE_LANGUAGE else f"{field_name}_{language}"


def with_translations(*field_names):
    """The fields followed by their translation columns, for searches and admin field lists."""
    return [field_in(name, language) for name in field_names for language in LANGUAGES]


def translations(field):
    """The Korean and Japanese columns of a field, declared beside it:

    name = models.CharField(_("name"), max_length=200)
    name_ko, name_ja = translations(name)
    """
    return tuple(_translation_of(field, language) for language in TRANSLATION_LANGUAGES)


def _translation_of(field, language):
    _name, _path, args, kwargs = field.deconstruct()
    for option in ("unique", "help_text", "default"):
        kwargs.pop(option, None)
    kwargs["blank"] = True
    kwargs["verbose_name"] = format_lazy("{} ({})", field.verbose_name, language_name(language))
    return type(field)(*args, **kwargs)


def validate_languages(value):
    if not isinstance(value, list) or any(code not in LANGUAGES for code in value):
        raise ValidationError(
            _("Choose among %(languages)s."), params={"languages": ", ".join(LANGUAGES)}
        )


class LanguageListField(models.JSONField):
    """A list of language codes, ticked in forms."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_languages])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            label=self.verbose_name,
            help_text=self.help_text,
            required=not self.blank,
            choices=[(code, language_name(code)) for code in LANGUAGES],
            widget=forms.CheckboxSelectMultiple,
        )


class LanguageVersion:
    """How complete, current and authoritative one language version of a record is."""

    def __init__(self, record, language):
        self.code = language
        self.name = translation.get_language_info(language)["name_local"]
        self.is_official = language in record.official_languages
        self.is_source = language == SOURCE_LANGUAGE
        texts = [
            (getattr(record, name), getattr(record, field_in(name, language)))
            for name in record.translated_fields
        ]
        self.has_text = any(text for _english, text in texts)
        self.is_complete = all(text or not english for english, text in texts)
        versions = record.translation_versions or {}
        self.is_stale = (
            not self.is_source
            and self.has_text
            and versions.get(language, 0) < versions.get(SOURCE_LANGUAGE, 0)
        )

    def __repr__(self):
        return f"<LanguageVersion {self.code}>"

    @property
    def state(self):
        """'official text', 'translation, incomplete', 'not translated', …"""
        if self.is_official:
            state = gettext("official text")
        elif self.is_source:
            state = gettext("original")
        elif not self.has_text:
            return gettext("not translated")
        else:
            state = gettext("translation")
        if self.has_text and not self.is_complete:
            state += gettext(", incomplete")
        if self.is_stale:
            state += gettext(", out of date")
        return state


class TranslatedModel(EditedModel):
    """A record whose `translated_fields` have Korean and Japanese versions."""

    translated_fields = ()

    official_languages = LanguageListField(
        _("official texts"),
        default=list,
        blank=True,
        help_text=_(
            "The language versions that are an official text of a party (a government's own "
            "wording). The others are shown as this site's own text or translation."
        ),
    )
    translation_versions = models.JSONField(
        _("translation versions"), default=dict, blank=True, editable=False
    )

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        # The row as loaded, for save() to tell which languages changed. Kept as it came: most
        # records are read, never saved, and a page reads hundreds of them.
        record._loaded_row = (field_names, values)
        return record

    def _texts_by_language(self, loaded=None):
        """Each language's texts, from the loaded row or else the record's current values.
        Only the loaded columns count: a deferred one reads as None before and after."""
        loaded = self.__dict__ if loaded is None else loaded
        return {
            language: tuple(loaded.get(field_in(name, language)) for name in self.translated_fields)
            for language in LANGUAGES
        }

    def _saved_texts(self):
        if self._state.adding:
            return None
        if "_texts_at_save" in self.__dict__:
            return self._texts_at_save
        if "_loaded_row" in self.__dict__:
            field_names, values = self._loaded_row
            return self._texts_by_language(dict(zip(field_names, values, strict=True)))
        return None

    def save(self, *args, **kwargs):
        texts = self._texts_by_language()
        saved = self._saved_texts()
        next_version = 1 if self._state.adding else self.version + 1
        changed = [
            language
            for language, values in texts.items()
            if any(values) and (saved is None or values != saved[language])
        ]
        if changed:
            self.translation_versions = {
                **(self.translation_versions or {}),
                **dict.fromkeys(changed, next_version),
            }
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "translation_versions"}
        super().save(*args, **kwargs)
        self._texts_at_save = texts

    def translated(self, field_name, language=None):
        """The field's text in the language (the active one by default), or the English text
        when there is no translation yet: `(text, language of the text)`."""
        language = language or current_language()
        if language != SOURCE_LANGUAGE:
            text = getattr(self, field_in(field_name, language))
            if text:
                return text, language
        return getattr(self, field_name), SOURCE_LANGUAGE

    def localized(self, field_name):
        return self.translated(field_name)[0]

    def language_versions(self):
        return [LanguageVersion(self, language) for language in LANGUAGES]

    def language_version(self, language=None):
        return LanguageVersion(self, language or current_language())
