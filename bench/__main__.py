"""``make bench``: the app at ten times the network's annual conference.

Builds the dataset (2,000 cities, 5,000 delegates, 600 sessions with
itineraries and answers) in PostgreSQL (or SQLite with ``--sqlite``), serves
the app with gunicorn on loopback with the production configuration, and
drives each page with wrk for a bounded time, each right after a bare Flask
view under the same gunicorn settings (the machine's limit at that moment).
Prints a table and writes bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

from bench.targets import InProcess, Target

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
APP_PORT = 8765
BARE_PORT = 8766
SECRET = "bench-secret-key-" + "k" * 40  # noqa: S105


BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class Result:
    target: Target
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int
    non2xx: int
    in_process: InProcess | None = None
    # The bare view's req/s measured just before this page: the machine's
    # limit at that moment (other load on a shared machine drifts).
    bare_rps: float | None = None


def log(message: str) -> None:
    print(message, flush=True)


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    log("wrk is missing: installing it from Debian's packages (apt-get install wrk)")
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return shutil.which("wrk") or "wrk"


def database_url(use_sqlite: bool) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    if use_sqlite:
        db = OUT / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        return f"sqlite:///{db}"
    import sqlalchemy as sa

    admin = sa.create_engine(
        PG_ADMIN.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(sa.text('DROP DATABASE IF EXISTS "festival_bench" WITH (FORCE)'))
        connection.execute(sa.text('CREATE DATABASE "festival_bench"'))
    admin.dispose()
    return PG_ADMIN.rsplit("/", 1)[0] + "/festival_bench"


def app_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        SECRET_KEY=SECRET,
        SERVER_URL=f"http://127.0.0.1:{APP_PORT}",
        COOKIE_SECURE="0",
        LOGIN_RATE_LIMIT="100000 per minute",
    )
    env.pop("FLASK_DEBUG", None)
    env.pop("SMTP_HOST", None)
    # Production shares rate limits and feed caches through Redis.
    if redis_answers(BENCH_REDIS_URL):
        env["REDIS_URL"] = BENCH_REDIS_URL
    else:
        env.pop("REDIS_URL", None)
        log(f"Redis does not answer at {BENCH_REDIS_URL}: caches stay in each worker's memory")
    return env


def redis_answers(url: str) -> bool:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)
    try:
        client.flushdb()  # a database of the benchmark's own: start from nothing
        return True
    except redis.RedisError:
        return False


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "festival", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )


def build_dataset(env: dict[str, str], args: argparse.Namespace) -> float:
    flask(env, "db", "upgrade")
    started = time.perf_counter()
    result = flask(
        env,
        "demo",
        "--outside-debug",  # the benchmark runs outside debug, as production does
        "--cities",
        str(args.cities),
        "--delegates",
        str(args.delegates),
        "--sessions",
        str(args.sessions),
    )
    elapsed = time.perf_counter() - started
    for line in result.stdout.splitlines():
        if line.startswith("  "):
            log("   " + line.strip())
    analyse(env["DATABASE_URL"])
    return elapsed


def analyse(url: str) -> None:
    """Table statistics and the visibility map, as a production database has
    them once autovacuum has passed after a bulk load. Without them (a server
    with autovacuum off, or the minute before it runs) the planner guesses
    table sizes and the pages are timed on plans production never runs."""
    import sqlalchemy as sa

    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text("VACUUM ANALYZE" if engine.name == "postgresql" else "ANALYZE"))
    engine.dispose()


def start_gunicorn(app: str, port: int, env: dict[str, str], workers: int) -> subprocess.Popen:
    log_file = open(OUT / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):  # noqa: S310
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"gunicorn on port {port} did not start: see {OUT}/gunicorn-{port}.log")


def stop(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def peak_worker_memory_mb(master_pid: int) -> float:
    """The largest resident-set high-water mark among gunicorn's workers."""
    peak = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"PPid:\t{master_pid}\n" not in text:
            continue
        match = re.search(r"VmHWM:\s+(\d+) kB", text)
        if match:
            peak = max(peak, int(match.group(1)))
    return peak / 1024


def session_cookie(base: str, login_path: str, fields: dict[str, str]) -> str:
    """Sign in over HTTP like a browser; return the Cookie header value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + login_path).read().decode()
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    if not match:
        raise SystemExit(f"no CSRF token on {login_path}")
    data = urllib.parse.urlencode({**fields, "csrf_token": match.group(1)}).encode()
    opener.open(base + login_path, data=data).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def run_wrk(wrk: str, url: str, headers: dict[str, str], args: argparse.Namespace) -> dict:
    command = [wrk, "-t", "2", "-c", str(args.connections), "-d", f"{args.duration}s"]
    command += ["-s", str(ROOT / "bench" / "report.lua"), "--timeout", "5s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    line = [line for line in output.splitlines() if line.startswith("{")][-1]
    return json.loads(line)


def check_status(target: Target, url: str, headers: dict[str, str]) -> None:
    """One request first: a page that answers wrongly is not worth timing."""
    check = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        status = urllib.request.urlopen(check, timeout=10).status  # noqa: S310
    except urllib.error.HTTPError as error:
        status = error.code
    if status != target.expect:
        raise SystemExit(f"{target.name}: expected {target.expect}, got {status}")


def response_size(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return len(response.read())


def load(
    wrk: str, target: Target, url: str, headers: dict[str, str], args: argparse.Namespace
) -> Result:
    data = run_wrk(wrk, url, headers, args)
    return Result(
        target,
        data["rps"],
        data["p50_ms"],
        data["p95_ms"],
        data["p99_ms"],
        data["errors"],
        data["non2xx"],
    )


def median_run(runs: list[Result]) -> Result:
    """The bare view's row: its median run by throughput."""
    return sorted(runs, key=lambda r: r.rps)[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--cities", type=int, default=2000)
    parser.add_argument("--delegates", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=600)
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--only", default="", help="load only the pages whose name contains this text"
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 2) * 2 + 1)
    args = parser.parse_args()

    from bench import targets as target_setup

    wrk = ensure_wrk()
    url = database_url(args.sqlite)
    env = app_env(url)
    args.caches = "Redis" if env.get("REDIS_URL") else "memory"
    backend = "SQLite" if args.sqlite else "PostgreSQL"
    log(
        f"Building the dataset in {backend}: {args.cities} cities, {args.delegates} delegates, "
        f"{args.sessions} sessions"
    )
    build_seconds = build_dataset(env, args)
    log(f"  built in {build_seconds:.1f} s")

    os.environ.update(
        {
            k: v
            for k, v in env.items()
            if k in {"DATABASE_URL", "SECRET_KEY", "SERVER_URL", "COOKIE_SECURE", "REDIS_URL"}
        }
    )
    plan = target_setup.prepare()
    log("  in-process: queries and time per request, one at a time")
    in_process = target_setup.measure_in_process(plan)

    base = f"http://127.0.0.1:{APP_PORT}"
    app_server = start_gunicorn("wsgi:app", APP_PORT, env, args.workers)
    bare_server = start_gunicorn("bench.bare:app", BARE_PORT, env, args.workers)
    results: list[Result] = []
    try:
        cookies = {
            "organiser": session_cookie(base, "/login", plan.organiser_login),
            "delegate": session_cookie(base, target_setup.login_path(plan), {}),
        }
        bare = Target("bare Flask view", "/")
        bare_url = f"http://127.0.0.1:{BARE_PORT}/"
        bare_runs: list[Result] = []
        for target in [t for t in plan.targets if args.only in t.name]:
            headers = dict(target.headers)
            if target.cookie:
                headers["Cookie"] = cookies[target.cookie]
            target_url = base + target.path
            check_status(target, target_url, headers)
            log(f"  load: {target.name} ({args.duration} s, after the bare view's)")
            bare_runs.append(load(wrk, bare, bare_url, {}, args))
            result = load(wrk, target, target_url, headers, args)
            result.in_process = in_process.get(target.name)
            result.bare_rps = bare_runs[-1].rps
            results.append(result)
            if target.same_size_bare:
                # The machine's limit for a body this large: moving the bytes.
                size = response_size(target_url, headers)
                sized = Target(f"bare Flask view, {size / 1024:,.0f} KB body", f"/bytes/{size}")
                log(f"  load: {sized.name} ({args.duration} s)")
                limit = load(wrk, sized, f"{bare_url}bytes/{size}", {}, args)
                limit.bare_rps = bare_runs[-1].rps
                results.append(limit)
        results.insert(0, median_run(bare_runs))
        memory = peak_worker_memory_mb(app_server.pid)
    finally:
        stop(app_server)
        stop(bare_server)

    report(results, build_seconds, memory, backend, args)


def goal(r: Result) -> str:
    """The page's goal and whether this run met it ("-" for a page without one)."""
    target = r.target
    if target.in_process_ms is None and target.p95_ms is None:
        return "-"
    parts, met = [], True
    if target.in_process_ms is not None:
        parts.append(f"alone ≤ {target.in_process_ms:.0f}")
        met &= r.in_process is not None and r.in_process.median_ms <= target.in_process_ms
    if target.p95_ms is not None:
        parts.append(f"p95 < {target.p95_ms:.0f}")
        met &= r.p95 < target.p95_ms
    return f"{', '.join(parts)} ms: {'met' if met else 'MISSED'}"


def report(
    results: list[Result],
    build_seconds: float,
    memory: float,
    backend: str,
    args: argparse.Namespace,
) -> None:
    header = (
        "| page | req/s | p50 ms | p95 ms | p99 ms | vs bare | queries/req "
        "| in-process ms | errors | goal |"
    )
    rows = [header, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        queries = "-" if r.in_process is None else str(r.in_process.queries)
        alone = "-" if r.in_process is None else f"{r.in_process.median_ms:.1f}"
        rows.append(
            f"| {r.target.name} | {r.rps:,.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | "
            f"{r.rps / (r.bare_rps or r.rps or 1.0):.0%} | {queries} | {alone} | "
            f"{r.errors + r.non2xx} | {goal(r)} |"
        )
    table = "\n".join(rows)
    machine = (
        f"{platform.node()}: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}"
    )
    summary = (
        f"Dataset: {args.cities} cities, {args.delegates} delegates, {args.sessions} sessions "
        f"in {backend}, built in {build_seconds:.1f} s. gunicorn {args.workers} sync workers, "
        f"wrk 2 threads x {args.connections} connections x {args.duration} s per page. "
        f"Caches: {args.caches}. "
        f"Peak worker memory (VmHWM): {memory:.0f} MB. The bare view is loaded just before "
        'each page, and that page\'s "vs bare" is against that run; its row is the median. '
        "In-process ms: the app's median time for one request with no other load "
        "(the test client, no network)."
    )
    log("")
    log(table)
    log(summary)
    if args.only:
        log("(a partial run with --only: not written to bench/RESULTS.md)")
        return
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results_file = ROOT / "bench" / "RESULTS.md"
    previous = results_file.read_text() if results_file.exists() else "# Benchmark results\n"
    entry = f"\n## {stamp} — {backend}\n\nMachine: {machine}\n\n{summary}\n\n{table}\n"
    head, _sep, rest = previous.partition("\n")
    results_file.write_text(head + "\n" + entry + rest)
    log(f"Written to {results_file.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
