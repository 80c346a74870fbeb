"""Workflows on meetings that go beyond saving one form."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from meetings.models import Cadence, Meeting, MeetingStatus, edition_ordinal
from trilateral.models import PublicationStatus

YEARS_BETWEEN = {Cadence.ANNUAL: 1, Cadence.BIENNIAL: 2, Cadence.IRREGULAR: 1}


def meeting_plan_next_edition(*, meeting, user):
    """Starts the record of the edition after `meeting`: same series, number + 1, planned for
    the year the cadence expects, a draft with date, host and venue left for the editor.

    Raises ValidationError with a message for the editor when that edition (or its address)
    already exists."""
    series = meeting.series
    edition = meeting.edition + 1
    year = meeting.year + YEARS_BETWEEN.get(series.cadence, 1)
    # The record is written in the site's language, whatever language the editor reads.
    with translation.override(settings.LANGUAGE_CODE):
        title = f"{edition_ordinal(edition)} {series.name}"
    planned = Meeting(
        series=series,
        edition=edition,
        title=title,
        slug=f"{series.slug}-{year}",
        status=MeetingStatus.PLANNED,
        year=year,
        publication_status=PublicationStatus.DRAFT,
    )
    if Meeting.objects.filter(series=series, edition=edition).exists():
        raise edition_exists(edition, series)
    planned.full_clean()
    planned._history_user = user
    try:
        with transaction.atomic():
            planned.save(force_insert=True)
    except IntegrityError as error:
        # Someone planned the same edition a moment ago.
        raise edition_exists(edition, series) from error
    return planned


def edition_exists(edition, series):
    return ValidationError(
        _("The %(ordinal)s edition of %(series)s already exists.")
        % {"ordinal": edition_ordinal(edition).lower(), "series": series}
    )
