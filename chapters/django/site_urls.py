"""The Django app of chapter 07: three views on Django's session, as small as a Django app gets.

    GET /login   puts the user in the session, as django.contrib.auth.login() does (_auth_user_id)
    GET /whoami  who the session says you are
    GET /cart    the cart the session holds (the Swift site adds to it)
"""
import json

from django.http import HttpResponse, JsonResponse
from django.urls import path


def login(request):
    request.session["_auth_user_id"] = "42"
    request.session["name"] = "derington"
    request.session["cart"] = ["book"]
    return HttpResponse("logged in as derington\n")


def whoami(request):
    name = request.session.get("name")
    return HttpResponse(f"you are {name}\n" if name else "nobody is logged in\n")


def cart(request):
    return JsonResponse({"user": request.session.get("_auth_user_id"), "cart": request.session.get("cart", [])})


urlpatterns = [path("login", login), path("whoami", whoami), path("cart", cart)]
