"""manage.py demo_logins — print the demo accounts and what each role is for."""

from django.core.management.base import BaseCommand

from programmes.demo.users import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "列出示例账号（用户名、密码、角色）。"

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"示例账号（密码均为 {DEMO_PASSWORD}）：")
        for username, _name, _institution, _role, _in_bnu, purpose in DEMO_USERS:
            self.stdout.write(f"  {username:<16} {purpose}")
