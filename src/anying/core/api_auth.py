from ninja.security import HttpBearer

from .services import authenticate_token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ay_…` with a token created on the account page or by `anying token`."""

    def authenticate(self, request, token):
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user
