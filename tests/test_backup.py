"""Backups: a versioned natural-key dump that restores into an empty database, row for row."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bench.run import create_database
from declarations.models import Paragraph
from meetings.models import Meeting
from tests.factories import build_meeting_record

ROOT = Path(__file__).resolve().parent.parent


def read(path):
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        return json.load(stream)


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_gives_back_every_row(
    tmp_path, first_meeting, django_user_model
):
    django_user_model.objects.create_user("editor", password="a-long-test-password")
    build_meeting_record(participants=2, paragraphs=3)
    call_command("backup_record", str(tmp_path / "first.json.gz"), verbosity=0)
    first = read(tmp_path / "first.json.gz")
    assert first["format"] == "trilateral-backup"
    assert first["format_version"] == 1
    assert first["counts"]["meetings.meeting"] == Meeting.objects.count() == 2
    assert first["counts"]["declarations.paragraph"] == Paragraph.objects.count()
    assert "meetings" in first["migrations"]

    call_command("flush", interactive=False, verbosity=0)
    assert not Meeting.objects.exists()
    call_command("restore_record", str(tmp_path / "first.json.gz"), verbosity=0)
    call_command("backup_record", str(tmp_path / "second.json.gz"), verbosity=0)
    second = read(tmp_path / "second.json.gz")
    assert second["objects"] == first["objects"]
    assert django_user_model.objects.get(username="editor").check_password("a-long-test-password")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, first_meeting):
    call_command("backup_record", str(tmp_path / "b.json.gz"), verbosity=0)
    before = Meeting.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_record", str(tmp_path / "b.json.gz"), verbosity=0)
    assert Meeting.objects.count() == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(CommandError, match="not a trilateral-backup file"):
        call_command("restore_record", str(path), verbosity=0)


NOT_BACKUPS = {
    "notes.txt": b"root:x:0:0:root:/root:/bin/bash\n",
    "list.json": b"[]",
    "latin1.json": '{"format": "é"}'.encode("latin-1"),
    "damaged.json.gz": b"\x1f\x8b not a gzip stream",
    "cut.json.gz": gzip.compress(b'{"format": "trilateral-backup", "objects": [')[:30],
}


@pytest.mark.parametrize("name", NOT_BACKUPS)
def test_restore_refuses_a_file_that_cannot_be_read_as_a_backup(tmp_path, db, name):
    path = tmp_path / name
    path.write_bytes(NOT_BACKUPS[name])
    with pytest.raises(CommandError, match="is not a trilateral-backup file"):
        call_command("restore_record", str(path), verbosity=0)
    assert not Meeting.objects.exists()


def test_restore_and_backup_name_a_path_they_cannot_use(tmp_path, db):
    with pytest.raises(CommandError, match="cannot be read: No such file"):
        call_command("restore_record", str(tmp_path / "missing.json"), verbosity=0)
    with pytest.raises(CommandError, match="cannot be read: Is a directory"):
        call_command("restore_record", str(tmp_path), verbosity=0)
    with pytest.raises(CommandError, match="cannot be written: Is a directory"):
        call_command("backup_record", str(tmp_path), verbosity=0)


def manage(database_url, *args):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(  # noqa: S603 - fixed command line
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def empty_postgres_database(new_postgres_database):
    assert create_database(new_postgres_database)
    return new_postgres_database


def test_the_large_record_round_trips_sqlite_to_postgresql_and_back(
    tmp_path, empty_postgres_database
):
    """The whole generated record (1,020 meetings, 51,000 paragraphs) survives both moves."""
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    manage(source, "migrate", "--noinput")
    manage(source, "loaddata", "first_meeting")
    manage(source, "generate_record", "--quiet")
    manage(source, "backup_record", str(tmp_path / "from-sqlite.json.gz"))

    manage(empty_postgres_database, "migrate", "--noinput")
    manage(empty_postgres_database, "restore_record", str(tmp_path / "from-sqlite.json.gz"))
    manage(empty_postgres_database, "backup_record", str(tmp_path / "from-postgres.json.gz"))

    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    manage(target, "migrate", "--noinput")
    manage(target, "restore_record", str(tmp_path / "from-postgres.json.gz"))
    manage(target, "backup_record", str(tmp_path / "back-in-sqlite.json.gz"))

    original = read(tmp_path / "from-sqlite.json.gz")
    via_postgres = read(tmp_path / "from-postgres.json.gz")
    back = read(tmp_path / "back-in-sqlite.json.gz")
    assert original["counts"]["meetings.meeting"] >= 1_000
    assert original["counts"]["declarations.paragraph"] >= 50_000
    assert via_postgres["counts"] == original["counts"]
    assert via_postgres["objects"] == original["objects"]
    assert back["objects"] == original["objects"]
