from django.urls import reverse

from .navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    menu = [{"label": e.label, "url": reverse(e.url_name), "icon": e.icon, "section": e.section, "active": False,
             "badge": e.badge}
            for e in entries_for(user)]
    # the entry with the longest matching URL is the current one (/hazards/checklists/ is
    # 检查清单, not also 隐患台账 at /hazards/)
    matches = [m for m in menu if (path == m["url"] if m["url"] == "/" else path.startswith(m["url"]))]
    if matches:
        max(matches, key=lambda m: len(m["url"]))["active"] = True
    from .notifications import unread_count

    return {"menu": menu, "unread": unread_count(user)}
