import datetime
import random

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from declarations.models import Commitment, Paragraph
from meetings.management.commands.generate_record import held_on
from meetings.models import Meeting, Participant
from tests.planner import planned_paragraph_count

pytestmark = pytest.mark.django_db

SMALL = {
    "series": 2,
    "years": 3,
    "participants": 5,
    "paragraphs": 4,
    "commitments": 2,
    "quiet": True,
}


def generated_counts():
    return {
        "meetings": Meeting.objects.filter(slug__startswith="gen-").count(),
        "participants": Participant.objects.filter(meeting__slug__startswith="gen-").count(),
        "paragraphs": Paragraph.objects.filter(declaration__slug__startswith="gen-").count(),
        "commitments": Commitment.objects.filter(slug__startswith="gen-").count(),
    }


def test_generates_the_requested_shape_and_publishes_it(first_meeting):
    call_command("generate_record", **SMALL)
    assert generated_counts() == {
        "meetings": 6,
        "participants": 30,
        "paragraphs": 24,
        "commitments": 12,
    }
    assert Meeting.objects.published().filter(slug__startswith="gen-").count() == 6
    for meeting in Meeting.objects.filter(slug__startswith="gen-"):
        meeting.full_clean()
    today = timezone.localdate()
    years = Meeting.objects.filter(slug__startswith="gen-").values_list("year", flat=True)
    assert set(years) == {today.year - 2, today.year - 1, today.year}


def test_a_generated_meeting_was_held_on_or_before_today():
    rnd = random.Random(1)
    new_year = datetime.date(2026, 1, 1)
    assert {held_on(rnd, 2026, new_year) for _ in range(50)} == {new_year}
    mid_year = datetime.date(2026, 7, 15)
    days = {held_on(rnd, 2026, mid_year) for _ in range(2000)}
    assert (min(days), max(days)) == (new_year, mid_year)
    days = {held_on(rnd, 2025, mid_year) for _ in range(5000)}
    assert (min(days), max(days)) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def test_the_query_planner_knows_the_size_of_the_new_record(first_meeting):
    # Without statistics, SQLite guessed at its indexes and read every published declaration to
    # list the years of one series; PostgreSQL planned for empty tables until autovacuum came.
    call_command("generate_record", **SMALL)
    assert planned_paragraph_count() == Paragraph.objects.count()


def test_running_again_replaces_generated_rows_and_keeps_the_real_record(first_meeting):
    real_meetings = set(Meeting.objects.values_list("slug", flat=True))
    call_command("generate_record", **SMALL)
    first = generated_counts()
    call_command("generate_record", **SMALL)
    assert generated_counts() == first
    assert real_meetings <= set(Meeting.objects.values_list("slug", flat=True))
    assert Meeting.objects.filter(slug="trilateral-industrial-ministers-2024").exists()


def test_running_again_leaves_no_history_of_the_generated_rows(first_meeting):
    call_command("generate_record", **SMALL)
    history = {model: model.history.count() for model in (Meeting, Paragraph, Commitment)}
    call_command("generate_record", **SMALL)
    assert {model: model.history.count() for model in (Meeting, Paragraph, Commitment)} == history


def test_a_new_record_shows_on_the_next_anonymous_request(client, settings, first_meeting):
    settings.PAGE_CACHE = True
    cache.clear()
    call_command("generate_record", **SMALL)
    listing = client.get("/en/meetings/", {"series": "gen-series-1"})
    assert listing.status_code == 200
    assert client.get("/en/meetings/", {"series": "gen-series-1"})["X-Cache"] == "hit"
    call_command("generate_record", **{**SMALL, "seed": 7})
    assert client.get("/en/meetings/", {"series": "gen-series-1"}).content != listing.content


@pytest.mark.parametrize(
    "arguments",
    [
        ["--series", "-3"],
        ["--years", "99999999999999999999"],
        # The first edition would fall before 1900, where no meeting can be dated.
        ["--years", str(timezone.localdate().year - 1898)],
        ["--participants", "21"],
        ["--paragraphs", "fifty"],
    ],
)
def test_a_count_out_of_range_is_refused_before_anything_changes(first_meeting, arguments):
    call_command("generate_record", **SMALL)
    generated = generated_counts()
    with pytest.raises(CommandError, match="is not"):
        call_command("generate_record", "--quiet", *arguments)
    assert generated_counts() == generated
