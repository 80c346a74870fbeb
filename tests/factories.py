"""factory_boy factories for test data: published by default, like the records the public sees."""

import datetime

import factory
from django.utils import timezone

from declarations.models import (
    Commitment,
    CommitmentUpdate,
    Declaration,
    DeclarationSource,
    DeclarationTitle,
    Paragraph,
    Topic,
)
from meetings.models import (
    Country,
    Meeting,
    MeetingSeries,
    MeetingSource,
    MeetingStatus,
    Organization,
    Participant,
    Person,
    PersonName,
    Remark,
    SeriesName,
)
from trilateral.models import PublicationStatus

PUBLISHED = {
    "publication_status": PublicationStatus.PUBLISHED,
    "published_at": factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
}


def this_year(month=6, day=26):
    """A date this year, for a meeting that must be in the calendar (which carries the last few
    years and the future only)."""
    return datetime.date(timezone.localdate().year, month, day)


class PublishedFactory(factory.django.DjangoModelFactory):
    publication_status = PUBLISHED["publication_status"]
    published_at = PUBLISHED["published_at"]

    class Meta:
        abstract = True

    class Params:
        draft = factory.Trait(publication_status=PublicationStatus.DRAFT, published_at=None)


class CountryFactory(factory.django.DjangoModelFactory):
    code = factory.Sequence(lambda n: f"{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Republic of Testland {n}")
    short_name = factory.Sequence(lambda n: f"Testland {n}")

    class Meta:
        model = Country
        django_get_or_create = ("code",)


class OrganizationFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Ministry of Testing {n}")
    abbreviation = factory.Sequence(lambda n: f"MOT{n}")
    slug = factory.Sequence(lambda n: f"ministry-{n}")
    country = factory.SubFactory(CountryFactory)

    class Meta:
        model = Organization


class PersonFactory(factory.django.DjangoModelFactory):
    family_name = factory.Sequence(lambda n: f"Family{n}")
    given_name = factory.Sequence(lambda n: f"Given{n}")
    name = factory.LazyAttribute(lambda o: f"{o.given_name} {o.family_name}")
    slug = factory.Sequence(lambda n: f"person-{n}")

    class Meta:
        model = Person


class PersonNameFactory(factory.django.DjangoModelFactory):
    person = factory.SubFactory(PersonFactory)
    name = factory.Sequence(lambda n: f"Variant {n}")
    language = "en"

    class Meta:
        model = PersonName


class MeetingSeriesFactory(PublishedFactory):
    name = factory.Sequence(lambda n: f"Test Ministers' Meeting {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")

    class Meta:
        model = MeetingSeries


class SeriesNameFactory(factory.django.DjangoModelFactory):
    series = factory.SubFactory(MeetingSeriesFactory)
    used_by = "Ministry"
    name = factory.Sequence(lambda n: f"Series name {n}")
    language = "en"

    class Meta:
        model = SeriesName


class MeetingFactory(PublishedFactory):
    series = factory.SubFactory(MeetingSeriesFactory)
    edition = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Meeting {o.edition} of {o.series.name}")
    slug = factory.Sequence(lambda n: f"meeting-{n}")
    status = MeetingStatus.HELD
    start_date = factory.LazyAttribute(lambda o: datetime.date(2000 + o.edition % 150, 6, 26))
    year = factory.LazyAttribute(lambda o: o.start_date.year if o.start_date else 2030)
    host_country = factory.SubFactory(CountryFactory)
    city = "Testville"
    venue = "Test Hall"

    class Meta:
        model = Meeting


class ParticipantFactory(factory.django.DjangoModelFactory):
    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    country = factory.SubFactory(CountryFactory)
    organization = factory.SubFactory(
        OrganizationFactory, country=factory.SelfAttribute("..country")
    )
    role_title = "Minister of Testing"
    order = factory.Sequence(lambda n: n)

    class Meta:
        model = Participant


class MeetingSourceFactory(factory.django.DjangoModelFactory):
    meeting = factory.SubFactory(MeetingFactory)
    url = factory.Sequence(lambda n: f"https://example.org/press/{n}")
    title = factory.Sequence(lambda n: f"Press release {n}")
    publisher = "Ministry of Testing"

    class Meta:
        model = MeetingSource


class RemarkFactory(factory.django.DjangoModelFactory):
    speaker = factory.SubFactory(ParticipantFactory)
    meeting = factory.SelfAttribute("speaker.meeting")
    text = factory.Sequence(lambda n: f"Remark number {n}.")
    order = factory.Sequence(lambda n: n + 1)

    class Meta:
        model = Remark


class TopicFactory(PublishedFactory):
    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")

    class Meta:
        model = Topic


class DeclarationFactory(PublishedFactory):
    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Joint Declaration {n}")
    slug = factory.Sequence(lambda n: f"declaration-{n}")
    adopted_on = factory.SelfAttribute("meeting.start_date")

    class Meta:
        model = Declaration


class DeclarationTitleFactory(factory.django.DjangoModelFactory):
    declaration = factory.SubFactory(DeclarationFactory)
    used_by = "Ministry"
    title = factory.Sequence(lambda n: f"Statement {n}")
    language = "en"

    class Meta:
        model = DeclarationTitle


class DeclarationSourceFactory(factory.django.DjangoModelFactory):
    declaration = factory.SubFactory(DeclarationFactory)
    url = factory.Sequence(lambda n: f"https://example.org/text/{n}")
    title = factory.Sequence(lambda n: f"Official text {n}")
    publisher = "Ministry of Testing"

    class Meta:
        model = DeclarationSource


class ParagraphFactory(factory.django.DjangoModelFactory):
    declaration = factory.SubFactory(DeclarationFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"The parties will cooperate on matter {n}.")

    class Meta:
        model = Paragraph


class CommitmentFactory(factory.django.DjangoModelFactory):
    declaration = factory.SubFactory(DeclarationFactory)
    slug = factory.Sequence(lambda n: f"commitment-{n}")
    text = factory.Sequence(lambda n: f"Cooperate on matter {n}")

    class Meta:
        model = Commitment


class CommitmentUpdateFactory(factory.django.DjangoModelFactory):
    commitment = factory.SubFactory(CommitmentFactory)
    reported_on = factory.Sequence(lambda n: datetime.date(2025, 1, 1) + datetime.timedelta(n))
    status = "in-progress"

    class Meta:
        model = CommitmentUpdate


def build_meeting_record(
    *, series=None, edition=None, participants=3, paragraphs=4, topics=(), **meeting_fields
):
    """A published meeting with participants, remarks, a declaration, paragraphs and commitments:
    the shape of a real year of the record, for tests that compare small and large data sets."""
    kwargs = dict(meeting_fields)
    if series:
        kwargs["series"] = series
    if edition is not None:
        kwargs["edition"] = edition
    meeting = MeetingFactory(**kwargs)
    SeriesNameFactory(series=meeting.series)
    people = [ParticipantFactory(meeting=meeting) for _ in range(participants)]
    for participant in people:
        PersonNameFactory(person=participant.person)
    if people:
        RemarkFactory(meeting=meeting, speaker=people[0])
    MeetingSourceFactory(meeting=meeting)
    declaration = DeclarationFactory(meeting=meeting)
    declaration.topics.set(topics)
    DeclarationTitleFactory(declaration=declaration)
    DeclarationSourceFactory(declaration=declaration)
    for _ in range(paragraphs):
        paragraph = ParagraphFactory(declaration=declaration)
        paragraph.topics.set(topics)
        commitment = CommitmentFactory(
            declaration=declaration, paragraph=paragraph, topic=topics[0] if topics else None
        )
        CommitmentUpdateFactory(commitment=commitment, meeting=meeting)
    return meeting
