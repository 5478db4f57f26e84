"""Template context shared by every page."""

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Name of the product, for the page title and header."""
    return {"site_name": "Windfall"}
