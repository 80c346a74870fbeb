import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings.models import Country, Meeting, MeetingStatus, Participant, Person
from tests.factories import (
    CountryFactory,
    MeetingFactory,
    MeetingSeriesFactory,
    MeetingSourceFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonNameFactory,
    RemarkFactory,
    SeriesNameFactory,
)
from trilateral.models import PublicationStatus

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


class TestDatabaseConstraints:
    def test_edition_is_unique_within_a_series(self):
        meeting = MeetingFactory(edition=1)
        assert_rejected_by_database(lambda: MeetingFactory(series=meeting.series, edition=1))

    def test_same_edition_in_another_series_is_fine(self):
        MeetingFactory(edition=1)
        MeetingFactory(edition=1)
        assert Meeting.objects.filter(edition=1).count() == 2

    def test_edition_is_at_least_one(self):
        assert_rejected_by_database(lambda: MeetingFactory(edition=0))

    def test_end_date_not_before_start_date(self):
        assert_rejected_by_database(
            lambda: MeetingFactory(
                start_date=datetime.date(2024, 6, 26), end_date=datetime.date(2024, 6, 25)
            )
        )

    def test_end_date_needs_a_start_date(self):
        assert_rejected_by_database(
            lambda: MeetingFactory(
                status=MeetingStatus.PLANNED,
                start_date=None,
                year=2025,
                end_date=datetime.date(2025, 6, 1),
            )
        )

    def test_held_meeting_has_a_start_date(self):
        assert_rejected_by_database(
            lambda: MeetingFactory(status=MeetingStatus.HELD, start_date=None, year=2024)
        )

    def test_year_is_plausible(self):
        assert_rejected_by_database(
            lambda: MeetingFactory(status=MeetingStatus.PLANNED, start_date=None, year=20)
        )

    def test_published_record_has_publication_date(self):
        assert_rejected_by_database(
            lambda: MeetingFactory(
                publication_status=PublicationStatus.PUBLISHED, published_at=None
            )
        )
        assert_rejected_by_database(
            lambda: MeetingSeriesFactory(
                publication_status=PublicationStatus.PUBLISHED, published_at=None
            )
        )

    def test_one_participant_row_per_person_per_meeting(self):
        participant = ParticipantFactory()
        assert_rejected_by_database(
            lambda: ParticipantFactory(meeting=participant.meeting, person=participant.person)
        )

    def test_remark_order_unique_within_meeting(self):
        remark = RemarkFactory(order=1)
        assert_rejected_by_database(lambda: RemarkFactory(speaker=remark.speaker, order=1))

    def test_person_name_variant_unique(self):
        variant = PersonNameFactory(name="안덕근", language="ko")
        assert_rejected_by_database(
            lambda: PersonNameFactory(person=variant.person, name="안덕근", language="ko")
        )

    def test_series_name_unique_per_language(self):
        name = SeriesNameFactory(name="한·미·일 산업장관회의", language="ko")
        assert_rejected_by_database(
            lambda: SeriesNameFactory(series=name.series, name=name.name, language="ko")
        )

    def test_meeting_source_listed_once(self):
        source = MeetingSourceFactory()
        assert_rejected_by_database(
            lambda: MeetingSourceFactory(meeting=source.meeting, url=source.url)
        )

    def test_country_code_is_two_capital_letters(self):
        for code in ("kr", "K", "K1"):
            assert_rejected_by_database(
                lambda code=code: Country.objects.create(code=code, name="X", short_name="X")
            )

    def test_country_code_unique(self):
        CountryFactory(code="KR")
        assert_rejected_by_database(
            lambda: Country.objects.create(code="KR", name="Korea", short_name="Korea")
        )

    def test_person_slug_unique(self):
        Person.objects.create(name="A B", family_name="B", slug="a-b")
        assert_rejected_by_database(
            lambda: Person.objects.create(name="A C", family_name="C", slug="a-b")
        )


class TestValidation:
    """The same rules as form errors that say what to fix, before the database sees them."""

    def test_end_before_start_is_a_validation_error(self):
        meeting = MeetingFactory.build(
            series=MeetingSeriesFactory(),
            host_country=CountryFactory(),
            start_date=datetime.date(2024, 6, 26),
            end_date=datetime.date(2024, 6, 20),
        )
        with pytest.raises(ValidationError) as error:
            meeting.full_clean()
        assert "The end date is before the start date" in str(error.value)

    def test_duplicate_edition_is_a_validation_error(self):
        existing = MeetingFactory(edition=1)
        meeting = MeetingFactory.build(
            series=existing.series, host_country=existing.host_country, edition=1
        )
        with pytest.raises(ValidationError) as error:
            meeting.full_clean()
        assert "already has a meeting with this edition" in str(error.value)

    def test_year_follows_the_start_date(self):
        meeting = MeetingFactory(start_date=datetime.date(2026, 5, 1), year=2026)
        meeting.start_date = datetime.date(2027, 5, 1)
        meeting.save()
        meeting.refresh_from_db()
        assert meeting.year == 2027

    def test_planned_meeting_needs_year_or_date(self):
        meeting = MeetingFactory.build(
            series=MeetingSeriesFactory(),
            host_country=None,
            status=MeetingStatus.PLANNED,
            start_date=None,
            year=None,
        )
        with pytest.raises(ValidationError) as error:
            meeting.full_clean()
        assert "expected year" in str(error.value)

    def test_participant_organization_must_match_country(self):
        participant = ParticipantFactory()
        participant.organization = OrganizationFactory()
        with pytest.raises(ValidationError) as error:
            participant.full_clean()
        assert "belongs to another country" in str(error.value)

    def test_remark_speaker_must_attend_the_meeting(self):
        remark = RemarkFactory()
        remark.speaker = ParticipantFactory()
        with pytest.raises(ValidationError) as error:
            remark.full_clean()
        assert "participant of this meeting" in str(error.value)


class TestPublication:
    def test_draft_and_scheduled_meetings_are_hidden(self):
        public = MeetingFactory()
        MeetingFactory(draft=True)
        MeetingFactory(published_at=timezone.now() + datetime.timedelta(hours=1))
        MeetingFactory(publication_status=PublicationStatus.IN_REVIEW)
        assert list(Meeting.objects.published()) == [public]

    def test_meeting_of_a_draft_series_is_hidden(self):
        MeetingFactory(series=MeetingSeriesFactory(draft=True))
        assert not Meeting.objects.published().exists()

    def test_people_and_countries_are_public_through_published_meetings(self):
        shown = ParticipantFactory()
        hidden = ParticipantFactory(meeting=MeetingFactory(draft=True))
        assert list(Person.objects.published()) == [shown.person]
        assert hidden.country not in Country.objects.published()
        assert shown.country in Country.objects.published()
        assert list(Participant.objects.published()) == [shown]

    def test_version_counts_saves(self):
        meeting = MeetingFactory()
        assert meeting.version == 1
        meeting.city = "Seoul"
        meeting.save()
        meeting.refresh_from_db()
        assert meeting.version == 2

    def test_edition_label(self):
        assert MeetingFactory(edition=1).edition_label == "First"
        assert MeetingFactory(edition=2).edition_label == "Second"
        assert MeetingFactory(edition=21).edition_label == "21st"


def test_edition_ordinals_are_in_the_active_language_each_time():
    from django.utils import translation

    from meetings.models import edition_ordinal

    found = {}
    for language in ("en", "ko", "ja", "en", "ko"):
        with translation.override(language):
            found.setdefault(language, set()).add((str(edition_ordinal(3)), edition_ordinal(22)))
    assert found == {
        "en": {("Third", "22nd")},
        "ko": {("제3차", "22번째")},
        "ja": {("第3回", "22番目")},
    }
