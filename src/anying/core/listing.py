"""What every list page shares: sorting by whitelisted columns, pagination, query strings."""

from django.core.paginator import Paginator

PER_PAGE_CHOICES = (20, 50, 100)


MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A record id from a URL or form value; anything else (², 1e9, overflow) is None."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def sort(request, qs, columns: dict[str, str], default: str):
    """`columns` maps the URL key to an order_by expression; unknown keys fall back to default."""
    key = request.GET.get("sort", default)
    field = columns.get(key.lstrip("-"))
    if field is None:
        key, field = default, columns[default.lstrip("-")]
    descending = key.startswith("-")
    return qs.order_by(("-" if descending else "") + field, "-id" if descending else "id"), key


def paginate(request, qs, per_page: int = 20):
    try:
        per_page = int(request.GET.get("per_page", per_page))
    except ValueError:
        per_page = PER_PAGE_CHOICES[0]
    if per_page not in PER_PAGE_CHOICES:
        per_page = PER_PAGE_CHOICES[0]
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def query_without(request, *keys: str) -> str:
    """The current query string minus some keys, for links that change only those keys."""
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()
