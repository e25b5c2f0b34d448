from django.urls import reverse

from .navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    path = request.path
    menu = []
    for entry in entries_for(user):
        url = reverse(entry.url_name)
        active = path == url if url == "/" else path.startswith(url)
        menu.append({"label": entry.label, "url": url, "icon": entry.icon, "section": entry.section, "active": active})
    from .notifications import unread_count

    return {"menu": menu, "unread": unread_count(user)}
