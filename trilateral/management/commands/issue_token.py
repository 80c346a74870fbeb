from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print the API token of a staff account, issuing one if it has none."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="issue a new token; the old one stops working at once",
        )

    def handle(self, *args, username, replace=False, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(_("No account is called %(username)s.") % {"username": username})
        # A token of any other account could read only what anyone may read, and could write
        # once someone made it staff without thinking of the token.
        if not (user.is_active and user.is_staff):
            raise CommandError(
                _("%(username)s is not an active staff account; API tokens are for staff.")
                % {"username": username}
            )
        with transaction.atomic():
            if replace:
                Token.objects.filter(user=user).delete()
            token, _created = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
