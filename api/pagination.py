"""Pages of results: numbered for plans, targets and the like; a cursor for the registry, whose
lists are long and change while a system reads them page after page."""

from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination, PageNumberPagination


class PagePagination(PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000


class RegistryCursorPagination(CursorPagination):
    """By id: stable while rows are added, so a page is never skipped nor read twice."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        # The position goes into `id > …`: anything but a number there would be a 500.
        if cursor is not None and cursor.position is not None and not str(cursor.position).isdecimal():
            raise NotFound(self.invalid_cursor_message)
        return cursor
