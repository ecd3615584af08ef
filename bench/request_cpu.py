"""CPU time of one request in process, and what each middleware costs of it (issue 10: the
fixed cost of every request). No web server: the requests go through Django's WSGI handler as
gunicorn calls it (environ in, response iterated and closed), with the production settings,
against the configured database and cache:

    DATABASE_URL=postgres://…/jzd_1m CACHE_URL=redis://127.0.0.1:6379/14 \
      .venv/bin/python bench/request_cpu.py [--tree DIR] [--n 400] [--rounds 5] [--only NAME] [--middleware]

`--tree DIR` runs the code of another checkout (e.g. `git archive` of main into /tmp, for the
"before" figures) with this script. Per endpoint: the median over `--rounds` rounds of the mean
process CPU per request (time.process_time) over `--n` requests, the wall time, and the queries
and cache calls of one request. `--middleware` puts a probe between every two middleware and
prints, per middleware, its own CPU per request (time spent in it on the way in and on the way
out, without the layers inside it); the innermost row ("view") is URL resolving, the view and
the process_view hooks. Run `collectstatic` (production settings) first for the HTML pages."""

import argparse
import os
import statistics
import sys
import time
import types
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(tree: Path):
    os.chdir(tree)
    sys.path.insert(0, str(tree))
    os.environ.update(DJANGO_SETTINGS_MODULE="jingzhidai.settings.production",
                      DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "bench-request-cpu-0123456789abcdef"),
                      DJANGO_ALLOWED_HOSTS="testserver", DJANGO_SECURE_SSL_REDIRECT="False",
                      API_ANON_RATE="100000000/minute", LOG_FORMAT="text", LOG_LEVEL="WARNING")
    import django

    django.setup()


# --- probes between the middleware ----------------------------------------------------------------

MARKS: list = []


def install_probes():
    """Settings.MIDDLEWARE with a probe before every middleware and one before the view."""
    from django.conf import settings

    module = types.ModuleType("jzd_probe")
    sys.modules["jzd_probe"] = module
    clock = time.process_time
    names = list(settings.MIDDLEWARE)

    def probe(i):
        class Probe:
            def __init__(self, get_response):
                self.get_response = get_response

            def __call__(self, request):
                MARKS.append((i, 0, clock()))
                response = self.get_response(request)
                MARKS.append((i, 1, clock()))
                return response
        return Probe

    probed = []
    for i, name in enumerate(names):
        setattr(module, f"P{i}", probe(i))
        probed += [f"jzd_probe.P{i}", name]
    setattr(module, f"P{len(names)}", probe(len(names)))
    probed.append(f"jzd_probe.P{len(names)}")
    settings.MIDDLEWARE = probed
    return [n.rsplit(".", 1)[-1] for n in names] + ["view"]


def own_times(layers: int) -> list[float] | None:
    """Own time of each layer from one request's marks (None if a middleware answered early)."""
    enter, leave = {}, {}
    for i, kind, t in MARKS:
        (enter if kind == 0 else leave)[i] = t
    if len(enter) != layers or len(leave) != layers:
        return None
    out = []
    for i in range(layers):
        if i + 1 < layers:
            out.append((enter[i + 1] - enter[i]) + (leave[i] - leave[i + 1]))
        else:
            out.append(leave[i] - enter[i])
    return out


# --- requests ------------------------------------------------------------------------------------

def environ(path, headers):
    from urllib.parse import urlsplit

    parts = urlsplit(path)
    env = {"REQUEST_METHOD": "GET", "PATH_INFO": parts.path, "QUERY_STRING": parts.query, "SCRIPT_NAME": "",
           "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
           "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
           "wsgi.input": BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
           "wsgi.multiprocess": True, "wsgi.run_once": False}
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        env[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"] = value
    return env


def call(handler, path, headers):
    status = []
    response = handler(environ(path, headers), lambda s, h, exc_info=None: status.append(s))
    for _chunk in response:
        pass
    response.close()
    return status[0]


def world():
    from django.conf import settings
    from django.test import Client

    from identity.models import User
    from identity.services import api_token_issue

    enterprise = User.objects.get(username="demo-enterprise")

    def session(u):
        c = Client()
        c.force_login(u)
        return c.cookies[settings.SESSION_COOKIE_NAME].value

    cookie = f"{settings.SESSION_COOKIE_NAME}={session(enterprise)}"
    token = api_token_issue(user=enterprise)
    uscc = enterprise.enterprise_id
    json_, html = {"Accept": "application/json"}, {"Accept": "text/html"}
    return [
        ("API districts (floor)", "/api/v1/districts/", json_),
        ("API me, token", "/api/v1/me/", {**json_, "Authorization": f"Token {token}"}),
        ("API me, session", "/api/v1/me/", {**json_, "Cookie": cookie}),
        ("API profile, token", f"/api/v1/enterprises/{uscc}/profile/", {**json_, "Authorization": f"Token {token}"}),
        ("API profile, session", f"/api/v1/enterprises/{uscc}/profile/", {**json_, "Cookie": cookie}),
        ("API self-check", f"/api/v1/enterprises/check/?uscc={uscc}", json_),
        ("HTML self-check", f"/check/?uscc={uscc}", html),
        ("HTML enterprise profile page", f"/elements/enterprises/{uscc}/profile/", {**html, "Cookie": cookie}),
    ]


def counted(handler, path, headers):
    """The SQL statements and the cache calls of one request."""
    from django.core.cache import caches
    from django.db import connection

    queries, cache_calls = [], []

    def counting(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    cache = caches["default"]

    def wrap(name, fn):
        def counted_call(*args, **kwargs):
            cache_calls.append(name)
            return fn(*args, **kwargs)
        return counted_call

    names = ("get", "set", "add", "get_many", "set_many", "incr", "delete", "delete_many", "touch", "has_key")
    for name in names:
        setattr(cache, name, wrap(name, getattr(cache, name)))
    try:
        with connection.execute_wrapper(counting):
            call(handler, path, headers)
    finally:
        for name in names:
            del cache.__dict__[name]
    return queries, cache_calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", default=str(ROOT))
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--middleware", action="store_true")
    parser.add_argument("--cprofile", type=int, default=0, help="print the N costliest functions (cProfile)")
    args = parser.parse_args()
    setup(Path(args.tree))
    from django.core.handlers.wsgi import WSGIHandler

    layers = install_probes() if args.middleware else None
    handler = WSGIHandler()
    load = os.getloadavg()
    print(f"tree {args.tree}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"{args.rounds} rounds of {args.n} requests", flush=True)
    for name, path, headers in world():
        if args.only and args.only.lower() not in name.lower():
            continue
        for _ in range(20):
            status = call(handler, path, headers)
        queries, cache_calls = counted(handler, path, headers)
        cpu, wall, per_layer = [], [], []
        for _round in range(args.rounds):
            w0, c0 = time.perf_counter(), time.process_time()
            for _ in range(args.n):
                MARKS.clear()
                call(handler, path, headers)
                if layers:
                    own = own_times(len(layers))
                    if own:
                        per_layer.append(own)
            cpu.append((time.process_time() - c0) / args.n * 1e6)
            wall.append((time.perf_counter() - w0) / args.n * 1e6)
        print(f"{name:32s} {status[:3]:3s}  CPU {statistics.median(cpu):7.0f} µs (min {min(cpu):6.0f})  "
              f"wall {statistics.median(wall):7.0f} µs  queries {len(queries)}  cache calls {len(cache_calls)} "
              f"({', '.join(cache_calls)})", flush=True)
        if args.cprofile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                call(handler, path, headers)
            profiler.disable()
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(args.cprofile)
            stats.sort_stats("cumulative").print_stats(args.cprofile)
        if layers and per_layer:
            for i, layer in enumerate(layers):
                values = [row[i] * 1e6 for row in per_layer]
                print(f"    {layer:36s} {statistics.median(values):6.1f} µs  (mean {statistics.mean(values):6.1f})")
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
