from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Placeholder while the demo loader is being written."

    def handle(self, *args, **options):
        pass
