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


class RejectNullCharactersMiddleware:
    """PostgreSQL cannot store or compare NUL characters; refuse them in query and form
    parameters up front. JSON bodies are checked by the services' validation (422)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest

        values = [*request.GET.values(), *request.GET.keys()]
        if request.method == "POST" and request.content_type != "multipart/form-data":
            values += [*request.POST.values()]
        if any("\x00" in v for v in values):
            return HttpResponseBadRequest("请求中含有非法字符（NUL）".encode(), content_type="text/plain; charset=utf-8")
        return self.get_response(request)


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
