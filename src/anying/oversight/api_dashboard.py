"""The dashboard's figures as JSON (GET /api/v1/dashboard/), for the city platform and big
screens: the same numbers as the 综合看板 page, of the token owner's scope, each with the
path of the list that shows its records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Router

from anying.core.errors import PermissionDenied

from . import dashboard

router = Router(tags=["综合看板"])


def _plain(value):
    """JSON-ready: decimals as strings (money stays exact), dates as ISO, models by name."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "_meta"):
        return {"id": value.pk, "name": str(value)}
    return value


@router.get("/", summary="综合看板数据（本人管辖范围）")
def figures(request):
    if not request.user.has_perm_code("oversight.view"):
        raise PermissionDenied("无权查看综合看板")
    today = timezone.localdate()
    data = dashboard.build(request.user, today)
    h = data.pop("hazards")
    table = data.pop("table")
    return _plain({
        **data,
        "hazards": {"open": h.open, "overdue": h.overdue, "closed": h.closed, "total": h.total,
                    "closure_rate": h.closure_rate,
                    "channels": [{"code": code, "label": label, "count": n, "url": url}
                                 for code, label, n, url in h.channels]},
        "table": {"industries": [{"id": i.pk, "name": i.name, "url": url} for i, url in table["columns"]],
                  "rows": [{"region": {"id": r["region"].pk, "name": r["label"]}, "url": r["url"],
                            "cells": [{"count": n, "url": url} for n, url in r["cells"]],
                            **{k: r[k] for k in ("open", "major", "overdue", "closed", "total", "closure_rate")}}
                           for r in table["rows"]]},
    })
