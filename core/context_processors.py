"""Template context shared by every page."""

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Name of the product, for the page title and header."""
    return {"product_name": "Windfall"}  # not site_name: auth views set that to the host
