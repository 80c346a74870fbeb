import datetime
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from declarations.models import Commitment, Declaration, Paragraph
from tests.factories import (
    CommitmentFactory,
    CommitmentUpdateFactory,
    DeclarationFactory,
    DeclarationSourceFactory,
    DeclarationTitleFactory,
    MeetingFactory,
    ParagraphFactory,
    TopicFactory,
)
from trilateral.cache import changes_in_bulk
from trilateral.models import PublicationStatus

pytestmark = pytest.mark.django_db

# Enough paragraphs that reading a few of them by key beats reading them all.
PLANNED_PARAGRAPHS = 3000


def assert_rejected_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


class TestDatabaseConstraints:
    def test_paragraph_anchor_unique_within_declaration(self):
        paragraph = ParagraphFactory(number=1)
        assert paragraph.anchor == "p1"
        assert_rejected_by_database(
            lambda: ParagraphFactory(declaration=paragraph.declaration, number=2, anchor="p1")
        )

    def test_same_anchor_in_another_declaration_is_fine(self):
        ParagraphFactory(number=1)
        ParagraphFactory(number=1)
        assert Paragraph.objects.filter(anchor="p1").count() == 2

    def test_paragraph_number_at_least_one(self):
        assert_rejected_by_database(lambda: ParagraphFactory(number=0))

    def test_paragraph_anchor_not_empty(self):
        paragraph = ParagraphFactory()
        assert_rejected_by_database(
            lambda: Paragraph.objects.filter(pk=paragraph.pk).update(anchor="")
        )

    def test_declaration_title_unique(self):
        title = DeclarationTitleFactory(title="共同声明", language="ja")
        assert_rejected_by_database(
            lambda: DeclarationTitleFactory(
                declaration=title.declaration, title="共同声明", language="ja"
            )
        )

    def test_declaration_source_listed_once(self):
        source = DeclarationSourceFactory()
        assert_rejected_by_database(
            lambda: DeclarationSourceFactory(declaration=source.declaration, url=source.url)
        )

    def test_commitment_slug_unique(self):
        CommitmentFactory(slug="meet-annually")
        assert_rejected_by_database(lambda: CommitmentFactory(slug="meet-annually"))

    def test_one_commitment_update_per_day(self):
        update = CommitmentUpdateFactory(reported_on=datetime.date(2025, 6, 1))
        assert_rejected_by_database(
            lambda: CommitmentUpdateFactory(
                commitment=update.commitment, reported_on=datetime.date(2025, 6, 1)
            )
        )

    def test_published_declaration_has_publication_date(self):
        assert_rejected_by_database(
            lambda: DeclarationFactory(
                publication_status=PublicationStatus.PUBLISHED, published_at=None
            )
        )

    def test_published_topic_has_publication_date(self):
        assert_rejected_by_database(
            lambda: TopicFactory(publication_status=PublicationStatus.PUBLISHED, published_at=None)
        )


class TestValidation:
    def test_commitment_paragraph_from_same_declaration(self):
        commitment = CommitmentFactory()
        commitment.paragraph = ParagraphFactory()
        with pytest.raises(ValidationError) as error:
            commitment.full_clean()
        assert "same declaration" in str(error.value)

    def test_duplicate_anchor_is_a_validation_error(self):
        paragraph = ParagraphFactory(number=1)
        duplicate = Paragraph(declaration=paragraph.declaration, number=2, anchor="p1", text="x")
        with pytest.raises(ValidationError) as error:
            duplicate.full_clean()
        assert "has this anchor" in str(error.value)


class TestPublication:
    def test_declaration_of_a_draft_meeting_is_hidden(self):
        DeclarationFactory(meeting=MeetingFactory(draft=True))
        assert not Declaration.objects.published().exists()

    def test_scheduled_declaration_becomes_public_at_its_time(self):
        declaration = DeclarationFactory(
            published_at=timezone.now() + datetime.timedelta(minutes=5)
        )
        assert declaration.is_scheduled
        assert not Declaration.objects.published().exists()
        Declaration.objects.filter(pk=declaration.pk).update(
            published_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        assert list(Declaration.objects.published()) == [declaration]

    def test_paragraphs_and_commitments_follow_their_declaration(self):
        shown = CommitmentFactory(paragraph=None)
        ParagraphFactory(declaration=shown.declaration)
        CommitmentFactory(declaration=DeclarationFactory(draft=True))
        ParagraphFactory(declaration=DeclarationFactory(draft=True))
        assert list(Commitment.objects.published()) == [shown]
        assert Paragraph.objects.published().get().declaration == shown.declaration

    def test_paragraph_permalink(self):
        paragraph = ParagraphFactory(number=3)
        assert paragraph.get_absolute_url().endswith(f"/{paragraph.declaration.slug}/#p3")


@pytest.mark.django_db(transaction=True)
def test_a_topic_s_paragraphs_are_counted_per_meeting_from_an_index_not_from_their_rows():
    """The topic page counts its paragraphs per meeting. The count needs each paragraph's
    declaration, not its texts, which fill most of the table: it reads the declaration from
    `paragraph_id_declaration_idx` instead of reading the paragraph's row."""
    topic = TopicFactory()
    declarations = [DeclarationFactory(meeting=MeetingFactory(year=2000 + n)) for n in range(3)]
    long_text = "The ministers reviewed the work plan on export controls and supply chains. " * 8
    # Loaded as generate_record and a restore load the record, which leaves the tables as the
    # database has seen the load: statistics, and on PostgreSQL the map of pages whose rows every
    # reader sees, which an index-only read relies on.
    with transaction.atomic(), changes_in_bulk():
        paragraphs = Paragraph.objects.bulk_create(
            Paragraph(
                declaration=declarations[n % 3],
                number=n + 1,
                anchor=f"p{n + 1}",
                text=long_text,
                text_ko=long_text,
                text_ja=long_text,
            )
            for n in range(PLANNED_PARAGRAPHS)
        )
        # Every 20th paragraph, and the first declaration's next one as well: unequal counts.
        tagged = paragraphs[::20] + paragraphs[3::60]
        Paragraph.topics.through.objects.bulk_create(
            Paragraph.topics.through(paragraph=paragraph, topic=topic) for paragraph in tagged
        )

    counts = Paragraph.objects.published().for_topic(topic).count_per_meeting()

    per_declaration = Counter(paragraph.declaration for paragraph in tagged)
    assert sorted(counts) == sorted(
        (declaration.meeting_id, declaration.meeting.year, count)
        for declaration, count in per_declaration.items()
    )
    plan = counts.explain()
    if connection.vendor == "postgresql":
        assert "Index Only Scan using paragraph_id_declaration_idx" in plan
        assert "Seq Scan on declarations_paragraph " not in plan
    else:
        assert "USING COVERING INDEX paragraph_id_declaration_idx" in plan
