from django.core.management.base import BaseCommand, CommandError

from trilateral.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Load a backup written by backup_record into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path, **options):
        try:
            counts = restore_backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {sum(counts.values()):,} rows from {path}")
