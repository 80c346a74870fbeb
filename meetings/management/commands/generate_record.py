"""Generate a large, realistic record for benchmarks and scale tests.

Sixty years of several annual series, up to this year: by default 17 series of 60 editions =
1,020 meetings with 5 participants each, one declaration per meeting with 50 paragraphs and 5
commitments. All generated rows are marked by slugs beginning with `gen-`, and running the
command again replaces them, so it never touches the real record.
"""

import argparse
import datetime
import random
import sys
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from declarations.models import (
    Commitment,
    CommitmentStatus,
    Declaration,
    DeclarationTitle,
    Paragraph,
    Topic,
)
from meetings.models import (
    Country,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Organization,
    Participant,
    Person,
    PersonName,
)
from trilateral.cache import changes_in_bulk
from trilateral.models import EARLIEST_YEAR, PublicationStatus

PREFIX = "gen-"
# A meeting's participants are drawn from this many people of each member country.
PEOPLE_PER_COUNTRY = 20
TOPIC_NAMES = [
    "Semiconductors", "Critical minerals", "Supply chains", "Clean energy", "Batteries",
    "Artificial intelligence", "Cybersecurity", "Standards", "Export controls", "Quantum",
    "Biotechnology", "Shipbuilding", "Hydrogen", "Nuclear energy", "Space", "Telecoms",
    "Digital trade", "Investment screening", "Steel", "Agriculture",
]  # fmt: skip
SUBJECTS = [
    "The ministers", "The three countries", "The parties", "The participants",
    "Our governments", "The ministries",
]  # fmt: skip
VERBS = [
    "reaffirmed their commitment to", "agreed to deepen cooperation on",
    "welcomed progress in", "decided to establish a working group on",
    "expressed concern about vulnerabilities in", "committed to share information on",
]  # fmt: skip


class Progress:
    """A one-line progress bar on standard error."""

    def __init__(self, total, *, enabled=True, width=40, stream=sys.stderr):
        self.total, self.enabled, self.width, self.stream = total, enabled, width, stream
        self.done = 0
        self.started = time.monotonic()

    def advance(self, step=1, label=""):
        self.done += step
        if not self.enabled:
            return
        filled = int(self.width * self.done / self.total)
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] "
            f"{self.done}/{self.total} {label:<28} {elapsed:5.1f}s"
        )
        self.stream.flush()

    def finish(self):
        if self.enabled:
            self.stream.write("\n")


def held_on(rnd, year, today):
    """A day of the year on or before today: every generated meeting has been held (this
    year's too), as its status, its declaration and its place among the past meetings say."""
    first = datetime.date(year, 1, 1)
    last = min(today, datetime.date(year, 12, 31))
    return first + datetime.timedelta(days=rnd.randint(0, (last - first).days))


def count(most):
    """An argument type: a whole number from 0 to `most`."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not 0 <= value <= most:
            raise argparse.ArgumentTypeError(f"{value} is not from 0 to {most:,}")
        return value

    return parse


class Command(BaseCommand):
    help = "Generate a large record (≥1,000 meetings, ≥5,000 participants, ≥50,000 paragraphs)."

    def add_arguments(self, parser):
        parser.add_argument("--series", type=count(1000), default=17, help="number of series")
        # Counted back from this year, which they end in.
        most_years = timezone.localdate().year - EARLIEST_YEAR + 1
        parser.add_argument(
            "--years", type=count(most_years), default=60, help="editions per series"
        )
        parser.add_argument(
            "--participants", type=count(PEOPLE_PER_COUNTRY), default=5, help="per meeting"
        )
        parser.add_argument("--paragraphs", type=count(1000), default=50, help="per declaration")
        parser.add_argument("--commitments", type=count(1000), default=5, help="per declaration")
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        # Test data, not secrets.
        self.random = random.Random(options["seed"])  # noqa: S311  # nosec B311
        self.options = options
        started = time.monotonic()
        progress = Progress(options["series"] + 2, enabled=not options["quiet"])
        with transaction.atomic(), changes_in_bulk():
            self.clear()
            progress.advance(label="cleared earlier data")
            self.make_reference_data()
            progress.advance(label="countries, people, topics")
            for index in range(options["series"]):
                self.make_series(index)
                progress.advance(label=f"series {index + 1}")
        progress.finish()
        counts = {
            "meetings": Meeting.objects.filter(slug__startswith=PREFIX).count(),
            "participants": Participant.objects.filter(meeting__slug__startswith=PREFIX).count(),
            "paragraphs": Paragraph.objects.filter(declaration__slug__startswith=PREFIX).count(),
            "commitments": Commitment.objects.filter(slug__startswith=PREFIX).count(),
        }
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(f"Generated {summary} in {time.monotonic() - started:.1f}s.")

    def clear(self):
        """Deletes the rows an earlier run generated. They were made in bulk, without history,
        and leave none: a deletion's history row for each of them (and a cache generation bump
        for each, see `changes_in_bulk`) made a second run on the large record take 100 seconds
        instead of 11, and grew the history tables by as many rows as the record has.
        simple_history has no switch but its setting."""
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            self.delete_generated()

    def delete_generated(self):
        Commitment.objects.filter(slug__startswith=PREFIX).delete()
        Declaration.objects.filter(slug__startswith=PREFIX).delete()
        Meeting.objects.filter(slug__startswith=PREFIX).delete()
        MeetingSeries.objects.filter(slug__startswith=PREFIX).delete()
        Person.objects.filter(slug__startswith=PREFIX).delete()
        Organization.objects.filter(slug__startswith=PREFIX).delete()
        Topic.objects.filter(slug__startswith=PREFIX).delete()
        Country.objects.filter(name__startswith=PREFIX).delete()

    def make_reference_data(self):
        existing = set(Country.objects.values_list("code", flat=True))
        codes = [
            f"{a}{b}"
            for a in "QX"
            for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            if f"{a}{b}" not in existing
        ][:30]
        Country.objects.bulk_create(
            Country(code=code, name=f"{PREFIX}Republic of {code}", short_name=f"Land {code}")
            for code in codes
        )
        self.countries = list(Country.objects.filter(code__in=codes))
        Organization.objects.bulk_create(
            Organization(
                name=f"Ministry of Industry of {country.short_name}",
                abbreviation=f"MI{country.code}",
                slug=f"{PREFIX}mi-{country.code.lower()}",
                country=country,
            )
            for country in self.countries
        )
        self.ministries = {
            org.country_id: org for org in Organization.objects.filter(slug__startswith=PREFIX)
        }
        people = []
        for country in self.countries:
            for n in range(PEOPLE_PER_COUNTRY):
                family, given = f"Family{country.code}{n}", f"Given{n}"
                people.append(
                    Person(
                        name=f"{given} {family}",
                        family_name=family,
                        given_name=given,
                        slug=f"{PREFIX}{country.code.lower()}-{n}",
                    )
                )
        Person.objects.bulk_create(people)
        self.people = {}
        for person in Person.objects.filter(slug__startswith=PREFIX):
            code = person.slug[len(PREFIX) : len(PREFIX) + 2].upper()
            self.people.setdefault(code, []).append(person)
        PersonName.objects.bulk_create(
            PersonName(
                person=person, name=f"{person.family_name} {person.given_name}", language="en"
            )
            for group in self.people.values()
            for person in group
        )
        now = timezone.now()
        Topic.objects.bulk_create(
            Topic(
                name=name,
                slug=f"{PREFIX}{name.lower().replace(' ', '-')}",
                description=f"Cooperation on {name.lower()}.",
                publication_status=PublicationStatus.PUBLISHED,
                published_at=now,
            )
            for name in TOPIC_NAMES
        )
        self.topics = list(Topic.objects.filter(slug__startswith=PREFIX))

    def make_series(self, index):
        options, rnd = self.options, self.random
        now = timezone.now()
        published = {"publication_status": PublicationStatus.PUBLISHED, "published_at": now}
        members = rnd.sample(self.countries, 3)
        series = MeetingSeries.objects.create(
            name=f"Generated Ministers' Meeting {index + 1}",
            slug=f"{PREFIX}series-{index + 1}",
            description="A generated series for scale tests.",
            **published,
        )
        series.members.set(members)
        today = timezone.localdate()
        first_year = today.year - options["years"]
        meetings = Meeting.objects.bulk_create(
            Meeting(
                series=series,
                edition=edition,
                title=f"Generated meeting {edition} of series {index + 1}",
                slug=f"{PREFIX}s{index + 1}-{first_year + edition}",
                status=MeetingStatus.HELD,
                year=first_year + edition,
                start_date=held_on(rnd, first_year + edition, today),
                host_country=members[edition % 3],
                city="Generated City",
                venue="Conference Hall",
                summary="The ministers met and adopted a joint statement.",
                **published,
            )
            for edition in range(1, options["years"] + 1)
        )
        participants = []
        for meeting in meetings:
            chosen = rnd.sample(range(len(self.people[members[0].code])), options["participants"])
            for order, person_index in enumerate(chosen):
                country = members[order % 3]
                participants.append(
                    Participant(
                        meeting=meeting,
                        person=self.people[country.code][person_index],
                        country=country,
                        organization=self.ministries[country.pk],
                        role_title="Minister of Industry",
                        is_host=country == meeting.host_country,
                        order=order,
                    )
                )
        Participant.objects.bulk_create(participants, batch_size=2000)
        declarations = Declaration.objects.bulk_create(
            Declaration(
                meeting=meeting,
                title=f"Joint Statement of {meeting.title}",
                slug=f"{meeting.slug}-joint-statement",
                adopted_on=meeting.start_date,
                summary="The ministers agreed on common steps.",
                **published,
            )
            for meeting in meetings
        )
        DeclarationTitle.objects.bulk_create(
            DeclarationTitle(
                declaration=declaration, used_by="Ministry", title=declaration.title, language="en"
            )
            for declaration in declarations
        )
        declaration_topics, paragraphs = [], []
        for declaration in declarations:
            for topic in rnd.sample(self.topics, 4):
                declaration_topics.append(
                    Declaration.topics.through(declaration=declaration, topic=topic)
                )
            for number in range(1, options["paragraphs"] + 1):
                paragraphs.append(
                    Paragraph(
                        declaration=declaration,
                        number=number,
                        anchor=f"p{number}",
                        text=f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} "
                        f"{rnd.choice(TOPIC_NAMES).lower()} (paragraph {number}).",
                    )
                )
        Declaration.topics.through.objects.bulk_create(declaration_topics)
        paragraphs = Paragraph.objects.bulk_create(paragraphs, batch_size=2000)
        Paragraph.topics.through.objects.bulk_create(
            (
                Paragraph.topics.through(paragraph=paragraph, topic=rnd.choice(self.topics))
                for paragraph in paragraphs
            ),
            batch_size=5000,
        )
        commitments = []
        per_declaration = options["paragraphs"]
        for position, declaration in enumerate(declarations):
            own = paragraphs[position * per_declaration : (position + 1) * per_declaration]
            for number in range(options["commitments"]):
                commitments.append(
                    Commitment(
                        declaration=declaration,
                        # More commitments than paragraphs share them in turn.
                        paragraph=own[number % len(own)] if own else None,
                        topic=rnd.choice(self.topics),
                        slug=f"{declaration.slug}-c{number + 1}",
                        text=f"Cooperate on {rnd.choice(TOPIC_NAMES).lower()}.",
                        status=rnd.choice(CommitmentStatus.values),
                        order=number,
                    )
                )
        Commitment.objects.bulk_create(commitments, batch_size=2000)
