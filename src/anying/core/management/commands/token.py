from django.core.management.base import BaseCommand, CommandError

from anying.core import services
from anying.core.models import User

from ._base import text


class Command(BaseCommand):
    help = "Create an API token for a user and print it (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username", type=text)
        parser.add_argument("--name", default="命令行创建", type=text)

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户不存在或已停用：{username}")
        _, secret = services.create_token(None, user, name)
        self.stdout.write(secret)
