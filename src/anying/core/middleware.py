from .context import client_ip, current_ip


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class SlidingSessionMiddleware:
    """Sliding expiry (等保 2.0: an idle session ends, an active one goes on) without Django's
    SESSION_SAVE_EVERY_REQUEST. That setting writes the whole session back at the end of every
    request, so a request that loaded it earlier (the browser's favicon fetch, a second tab)
    overwrites what a concurrent POST stored in between — the flash message of a 发布 was lost so
    in CI. Here a request that did not change the session only moves its expiry date, one UPDATE
    of one column; a request that did change it is saved by SessionMiddleware as usual."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        key = getattr(session, "session_key", None)
        if key and not session.modified and response.status_code < 500 and hasattr(session, "get_model_class"):
            from datetime import timedelta

            from django.conf import settings
            from django.utils import timezone

            now = timezone.now()  # an expired session stays expired: only a live one slides
            session.get_model_class().objects.filter(session_key=key, expire_date__gt=now).update(
                expire_date=now + timedelta(seconds=settings.SESSION_COOKIE_AGE))
        return response


class RejectNullCharactersMiddleware:
    """A safety net under the input policy (core/textinput.py): PostgreSQL cannot store or compare
    NUL, so no view may see one. A request with a NUL in its path, query or urlencoded form
    parameters or JSON body is answered 400 (a page) or, under /api/, 422 in the API's format."""

    MESSAGE = "请求中含有非法字符（NUL），请删除后重新提交"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        loc = self._nul_location(request)
        if loc is None:
            return self.get_response(request)
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.template.loader import render_to_string

        if request.path_info.startswith("/api/"):
            detail = [{"loc": list(loc), "msg": self.MESSAGE, "type": "invalid_characters"}]
            return JsonResponse({"detail": detail}, status=422, json_dumps_params={"ensure_ascii": False})
        return HttpResponseBadRequest(render_to_string("core/bad_request.html", {"message": self.MESSAGE}))

    def _nul_location(self, request) -> tuple | None:
        import json

        from .textinput import first_nul

        if "\x00" in request.path_info:
            return ("path",)
        # A multipart body is not read here: views such as the public tip form refuse an oversized
        # one by its Content-Length before reading it. Its fields go through the forms' and the
        # API schemas' own policy.
        multipart = request.content_type == "multipart/form-data"
        sources = [("query", request.GET)] + ([("form", request.POST)] if request.method == "POST" and not multipart else [])
        for where, params in sources:
            for key, values in params.lists():
                if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
                    return (where, key.replace("\x00", "\\u0000"))
        form = request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded")
        if request.method in ("POST", "PUT", "PATCH") and not form and (
                request.path_info.startswith("/api/") or request.content_type == "application/json"):
            body = request.body
            if b"\x00" in body or b"\\u0000" in body.lower():  # a cheap test before parsing
                try:
                    found = first_nul(json.loads(body))
                except ValueError:  # not JSON: the raw byte itself, or nothing to refuse
                    found = () if b"\x00" in body else None
                if found is not None:
                    return ("body", *(str(p).replace("\x00", "\\u0000") for p in found))
        return None


class PasswordExpiryMiddleware:
    """A user whose password is older than ANYING_PASSWORD_MAX_AGE_DAYS can only change it
    (or log out) until they do. The API (token auth) is not affected."""

    ALLOWED_PREFIXES = ("/account/", "/logout/", "/login/", "/static/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponse
        from django.shortcuts import redirect

        from .services import password_expired

        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path_info.startswith(self.ALLOWED_PREFIXES)
                and password_expired(user)):
            response = redirect("account")
            if request.headers.get("HX-Request"):  # htmx would swap the account page into a table
                response = HttpResponse(status=204, headers={"HX-Redirect": response["Location"]})
            return response
        return self.get_response(request)
