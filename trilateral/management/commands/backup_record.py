import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from trilateral.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Write the whole record (and staff accounts) to a versioned, natural-key JSON file."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="where to write; .gz compresses (default: backups/record-<UTC time>.json.gz)",
        )

    def handle(self, *args, path=None, **options):
        if path is None:
            stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
            path = Path("backups") / f"record-{stamp}.json.gz"
        try:
            counts = write_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Wrote {sum(counts.values()):,} rows to {path}")
