import datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from trilateral.backup import write_backup


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
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        counts = write_backup(path)
        self.stdout.write(f"Wrote {sum(counts.values()):,} rows to {path}")
