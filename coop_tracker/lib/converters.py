"""Path converters: what a URL's part may be before a view reads it."""


class UnitCode:
    """An administrative unit's code: digits (a province's two, a commune's five). Anything else
    is not a page (a 404 by the resolver), never a query: PostgreSQL refuses text such as "\\x00"."""

    regex = "[0-9]{1,8}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return str(value)
