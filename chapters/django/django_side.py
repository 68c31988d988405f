"""Django's side of chapter 07 and of Tests/DjangoInteropTests: Django itself, configured from
the command line, writing and reading the cache values and sessions the Swift side reads and writes.

Run by the tests with the virtualenvs setup.sh --with-test-tools makes under .build/django:

    python django_side.py --backend builtin --location unix:///tmp/x/redis.sock?db=0 \
        [--options '{"serializer": ...}'] [--secret S] [--fallback OLD]... [--database FILE] COMMAND

COMMAND reads one JSON object on stdin and prints one JSON object on stdout:

    samples          {}                                  -> {"names": [...]}
    cache-set        {"items": [{"key", "sample"}], "timeout": 300}   -> {"written": n}
    cache-check      {"items": [{"key", "sample"}]}      -> {"results": [{"key", "equal", "repr", "type"}]}
    session-save     {"engine", "data", "expiry"}        -> {"session_key", "expiry_age"}
    session-load     {"engine", "session_key"}           -> {"exists", "data", "expiry_age", "browser_close"}
    make-key         {"keys": [...]}                     -> {"keys": [...]}   (the cache's stored key names)
    cache-repr       {"keys": [...]}                     -> {"values": {key: repr(value) or null}}
    cache-incr       {"key", "delta"}                    -> {"value"}
    request          {"method", "path", "cookie"}        -> {"status", "body", "cookie"}
                     (a request through the app in site_urls.py, with SessionMiddleware)
    page-keys        {"url", "method", "vary", "headers", "i18n"} -> {"header_key", "page_key"}
                     (Django's learn_cache_key for that request and a response with that Vary)

Every value of SAMPLES is a type a Django cache or session commonly holds; the Swift tests hold
the same table and compare value for value.
"""
import argparse
import datetime
import decimal
import json
import os
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # site_urls, beside this file

SHARED = [1, "shared"]

SAMPLES = {
    "none": None,
    "true": True,
    "false": False,
    "int": 7,
    "int_negative": -3,
    "int_zero": 0,
    "int_64": 2**63 - 1,
    "int_big": 2**64 + 1,
    "int_big_negative": -(2**70),
    "float": 3.25,
    "float_negative": -0.5,
    "str": "h\u00e9llo \u2713",
    "str_empty": "",
    "bytes": b"\x00\xffabc",
    "list": [1, "a", None, 2.5],
    "tuple": (1, "two"),
    "dict": {"a": 1, "b": [1, 2], "c": {"d": None}},
    "dict_int_keys": {1: "one", 2: "two"},
    "set": {1, 2, 3},
    "frozenset": frozenset({"a", "b"}),
    "datetime_naive": datetime.datetime(2026, 12, 6, 22, 30, 15, 123456),
    "datetime_utc": datetime.datetime(2026, 12, 6, 22, 30, 15, tzinfo=datetime.timezone.utc),
    "date": datetime.date(2026, 12, 6),
    "time": datetime.time(13, 45, 2, 500),
    "timedelta": datetime.timedelta(days=2, seconds=5, microseconds=7),
    "decimal": decimal.Decimal("1.10"),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "long_text": "the quick brown fox jumps over the lazy dog. " * 100,
    "shared_reference": [SHARED, SHARED],
    "article": {"name": "derington", "site": "craigderington.me", "visits": 26},
}


def configure(args):
    from django.conf import settings

    options = json.loads(args.options) if args.options else {}
    backend = {
        "builtin": "django.core.cache.backends.redis.RedisCache",
        "django-redis": "django_redis.cache.RedisCache",
        "django-redis-cache": "redis_cache.RedisCache",
    }[args.backend]
    cache = {"BACKEND": backend, "LOCATION": args.location, "KEY_PREFIX": args.key_prefix}
    if options:
        cache["OPTIONS"] = options
    session_redis = {"unix_domain_socket_path": args.session_socket, "db": args.session_db, "prefix": args.session_prefix}
    settings.configure(
        SECRET_KEY=args.secret,
        SECRET_KEY_FALLBACKS=args.fallback,
        USE_TZ=True,
        TIME_ZONE="UTC",  # what startproject writes (global_settings says America/Chicago)
        CACHES={"default": cache},
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": args.database or ":memory:"}},
        INSTALLED_APPS=["django.contrib.sessions"],
        MIDDLEWARE=["django.contrib.sessions.middleware.SessionMiddleware"],
        ROOT_URLCONF="site_urls",
        SESSION_ENGINE=SESSION_ENGINES[args.session_engine],
        USE_I18N=args.i18n == "on",
        ALLOWED_HOSTS=["*"],
        SESSION_REDIS=session_redis,
    )
    import django

    django.setup()


SESSION_ENGINES = {
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
    "db": "django.contrib.sessions.backends.db",
    "redis": "redis_sessions.session",
}


def session_store(engine):
    import importlib

    return importlib.import_module(SESSION_ENGINES[engine]).SessionStore


def expiry_value(expiry):
    """JSON's expiry: null (unset), an int (seconds), or an ISO-8601 string (a datetime)."""
    if expiry is None or isinstance(expiry, int):
        return expiry
    return datetime.datetime.fromisoformat(expiry)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--backend", default="builtin", choices=["builtin", "django-redis", "django-redis-cache"])
    parser.add_argument("--location", required=True)
    parser.add_argument("--key-prefix", default="")
    parser.add_argument("--options", default="")
    parser.add_argument("--secret", default="django-insecure-interop-test-secret")
    parser.add_argument("--fallback", action="append", default=[])
    parser.add_argument("--database", default="")
    parser.add_argument("--session-socket", default=None)
    parser.add_argument("--session-db", type=int, default=0)
    parser.add_argument("--session-prefix", default="")
    parser.add_argument("--i18n", default="on", choices=["on", "off"])
    parser.add_argument("--session-engine", default="cache", choices=sorted(SESSION_ENGINES))
    parser.add_argument("command")
    args = parser.parse_args()
    configure(args)
    request = json.load(sys.stdin)

    from django.core.cache import cache

    if args.command == "samples":
        reply = {"names": sorted(SAMPLES)}
    elif args.command == "cache-set":
        for item in request["items"]:
            cache.set(item["key"], SAMPLES[item["sample"]], request.get("timeout", 300))
        reply = {"written": len(request["items"])}
    elif args.command == "cache-check":
        results = []
        missing = object()
        for item in request["items"]:
            got = cache.get(item["key"], missing)
            want = SAMPLES[item["sample"]]
            # Types too: 1 == 1.0 == True in Python, and a tuple must not come back a list.
            equal = got is not missing and type(got) is type(want) and got == want
            if equal and isinstance(want, (list, tuple, dict)):
                equal = repr(got) == repr(want)
            results.append({"key": item["key"], "equal": equal, "repr": "<missing>" if got is missing else repr(got), "type": type(got).__name__})
        reply = {"results": results}
    elif args.command == "cache-repr":
        missing = object()
        values = {}
        for key in request["keys"]:
            got = cache.get(key, missing)
            values[key] = None if got is missing else repr(got)
        reply = {"values": values}
    elif args.command == "cache-incr":
        reply = {"value": cache.incr(request["key"], request.get("delta", 1))}
    elif args.command == "request":
        from django.test import Client

        client = Client()
        if request.get("cookie"):
            client.cookies["sessionid"] = request["cookie"]
        response = client.generic(request.get("method", "GET"), request["path"])
        cookie = response.cookies.get("sessionid")
        reply = {"status": response.status_code, "body": response.content.decode(), "cookie": cookie.value if cookie else None}
    elif args.command == "make-key":
        reply = {"keys": [cache.make_key(key) for key in request["keys"]]}
    elif args.command == "page-keys":
        from urllib.parse import urlsplit

        from django.http import HttpResponse
        from django.test import RequestFactory
        from django.utils.cache import learn_cache_key

        url = urlsplit(request["url"])
        headers = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in request.get("headers", {}).items()}
        factory = RequestFactory()
        http_request = factory.generic(
            request.get("method", "GET"), url.path + ("?" + url.query if url.query else ""),
            secure=url.scheme == "https", SERVER_NAME=url.hostname, SERVER_PORT=str(url.port or 80),
            HTTP_HOST=url.netloc, **headers)
        if "HTTP_COOKIE" not in headers:
            # RequestFactory sends an empty Cookie header of its own; a browser sends none.
            http_request.META.pop("HTTP_COOKIE", None)
        response = HttpResponse("page")
        if request.get("vary"):
            response["Vary"] = request["vary"]
        from django.core.cache.backends.locmem import LocMemCache

        # The key names only: learn_cache_key also stores the header list, here in memory.
        page_key = learn_cache_key(http_request, response, 600, "", cache=LocMemCache("keys", {}))
        from django.utils.cache import _generate_cache_header_key

        reply = {"header_key": _generate_cache_header_key("", http_request), "page_key": page_key}
    elif args.command == "session-save":
        if request["engine"] in ("db", "cached_db"):
            from django.core.management import call_command

            call_command("migrate", "sessions", verbosity=0)
        store = session_store(request["engine"])()
        for key, value in request["data"].items():
            store[key] = value
        if "expiry" in request:
            store.set_expiry(expiry_value(request["expiry"]))
        store.save()
        reply = {"session_key": store.session_key, "expiry_age": store.get_expiry_age()}
    elif args.command == "session-load":
        store = session_store(request["engine"])(session_key=request["session_key"])
        data = dict(store.items())
        exists = store.exists(request["session_key"])
        expiry = data.get("_session_expiry")
        reply = {
            "exists": exists,
            "data": {k: (v.isoformat() if isinstance(v, datetime.datetime) else v) for k, v in data.items()},
            "expiry_age": store.get_expiry_age() if data else None,
            "browser_close": store.get_expire_at_browser_close() if data else None,
            "expiry_type": type(expiry).__name__,
        }
    else:
        raise SystemExit(f"unknown command {args.command}")
    json.dump(reply, sys.stdout)


if __name__ == "__main__":
    main()
