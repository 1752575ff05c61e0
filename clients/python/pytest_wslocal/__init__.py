"""pytest-wslocal: wslocal, the local Amazon WorkSpaces API, in a pytest suite.

One wslocal process per test session, on a free loopback port, with an
in-memory store and a manual clock; fixtures hand out its endpoint and
boto3 clients, reset its state and move its clock:

    def test_image(workspaces_client, advance):
        image = workspaces_client.import_workspace_image(...)["ImageId"]
        advance("10s")
        ...

Load it with `pytest -p pytest_wslocal` (or `pytest_plugins = ["pytest_wslocal"]`
in conftest.py); installed as a package, its pytest11 entry point loads it.
The binary is $WSLOCAL_BIN, else built with `go build` from the wslocal
checkout this file lives in, else `wslocal` on PATH.

Wslocal (the class) does the same without pytest.
"""

import datetime
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

import pytest

__all__ = ["Wslocal", "WslocalError", "find_binary"]

_LISTENING = re.compile(r"listening on (http://\S+)")


class WslocalError(Exception):
    """wslocal could not be found, started or asked something."""


def _checkout():
    """The wslocal module root above this file, or None."""
    d = os.path.dirname(os.path.abspath(__file__))
    while True:
        gomod = os.path.join(d, "go.mod")
        if os.path.isfile(gomod):
            with open(gomod) as f:
                if re.match(r"module\s+github\.com/wslocal/wslocal\s", f.read()):
                    return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def find_binary(build_dir):
    """The wslocal executable: $WSLOCAL_BIN, else `go build` of the checkout
    this package is in (into build_dir), else `wslocal` on PATH."""
    binary = os.environ.get("WSLOCAL_BIN")
    if binary:
        if not os.access(binary, os.X_OK):
            raise WslocalError(f"WSLOCAL_BIN={binary} is not an executable file")
        return binary
    root = _checkout()
    if root and shutil.which("go"):
        out = os.path.join(build_dir, "wslocal")
        proc = subprocess.run(["go", "build", "-o", out, "./cmd/wslocal"], cwd=root,
                              capture_output=True, text=True)
        if proc.returncode != 0:
            raise WslocalError(f"go build ./cmd/wslocal in {root} failed:\n{proc.stderr}")
        return out
    on_path = shutil.which("wslocal")
    if on_path:
        return on_path
    raise WslocalError("no wslocal: set WSLOCAL_BIN, or `go install github.com/wslocal/wslocal/cmd/wslocal@latest`")


def _duration(d):
    """A Go duration string from "90s", seconds (int, float) or a timedelta."""
    if isinstance(d, datetime.timedelta):
        d = d.total_seconds()
    if isinstance(d, (int, float)) and not isinstance(d, bool):
        return f"{d!r}s" if isinstance(d, float) else f"{d}s"
    if isinstance(d, str):
        return d
    raise TypeError(f"a duration is a string like '90s', seconds or a timedelta, not {type(d).__name__}")


class Wslocal:
    """A wslocal process on a free loopback port.

    Started with `--store memory --clock manual` and then `args` (a later
    flag wins, so args may override both). Use as a context manager, or
    call start() and stop().
    """

    def __init__(self, binary=None, args=(), account="000000000000", region="us-east-1",
                 startup_timeout=30.0):
        self.binary = binary
        self.args = list(args)
        self.account, self.region = account, region
        self.startup_timeout = startup_timeout
        self.endpoint = None
        self.token = os.environ.get("WSLOCAL_CONTROL_TOKEN") or None
        self._proc = None
        self._tmp = None
        self._log = []  # the last lines wslocal wrote, for errors

    # -- process --

    def start(self):
        if self.binary is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="wslocal-")
            self.binary = find_binary(self._tmp.name)
        cmd = [self.binary, "--addr", "127.0.0.1:0", "--store", "memory", "--clock", "manual", *self.args]
        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True)
        found = queue.Queue()

        def drain():
            for line in self._proc.stderr:
                self._log.append(line)
                del self._log[:-200]
                m = _LISTENING.search(line)
                if m:
                    found.put(m.group(1))
            found.put(None)

        threading.Thread(target=drain, daemon=True, name="wslocal-stderr").start()
        try:
            endpoint = found.get(timeout=self.startup_timeout)
        except queue.Empty:
            endpoint = None
        if endpoint is None:
            self.stop()
            raise WslocalError(f"{' '.join(cmd)} did not start:\n{self.log()}")
        self.endpoint = endpoint
        deadline = time.monotonic() + self.startup_timeout
        while True:
            try:
                self.control("GET", "health")
                return self
            except (OSError, WslocalError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise WslocalError(f"wslocal at {endpoint} is not healthy:\n{self.log()}")
                time.sleep(0.05)

    def stop(self):
        """SIGTERM (wslocal shuts down gracefully), SIGKILL after 20s."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def log(self):
        """The last lines wslocal wrote to stderr (banner, request log)."""
        return "".join(self._log)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- control API --

    def control(self, method, path, body=None):
        """Sends a request to /_wslocal/<path> and returns its JSON answer."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"{self.endpoint}/_wslocal/{path}", data=data, method=method)
        if method != "GET":
            # The control API refuses a state-changing request of another content type.
            req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as e:
            raise WslocalError(f"{method} /_wslocal/{path}: HTTP {e.code} {e.read().decode(errors='replace')}") from None

    @property
    def seeded(self):
        """Whether wslocal started with a seed (--seed or WSLOCAL_SEED)."""
        return any(a == "--seed" or a.startswith("--seed=") for a in self.args) or bool(os.environ.get("WSLOCAL_SEED"))

    def reset(self, seed=None):
        """Deletes all state; with seed (by default: when started with
        --seed), applies the seed again in the same transaction."""
        if seed is None:
            seed = self.seeded
        return self.control("POST", "reset", {"seed": True} if seed else None)

    def advance(self, duration):
        """Moves the manual clock forward ("90s", seconds or a timedelta) and
        applies the lifecycle steps that became due; returns the new time."""
        ans = self.control("POST", "clock", {"advance": _duration(duration)})
        return datetime.datetime.fromisoformat(ans["now"].replace("Z", "+00:00"))

    def now(self):
        """wslocal's clock."""
        ans = self.control("GET", "clock")
        return datetime.datetime.fromisoformat(ans["now"].replace("Z", "+00:00"))

    # -- clients --

    def client_kwargs(self, account=None, region=None):
        """boto3.client keyword arguments for this wslocal: endpoint_url,
        region_name and keys (a 12-digit access key is the account id)."""
        return {"endpoint_url": self.endpoint, "region_name": region or self.region,
                "aws_access_key_id": account or self.account, "aws_secret_access_key": "wslocal"}

    def client(self, service="workspaces", account=None, region=None, **kwargs):
        """A boto3 client of this wslocal."""
        import boto3

        return boto3.client(service, **{**self.client_kwargs(account, region), **kwargs})


# -- pytest --

def pytest_addoption(parser):
    group = parser.getgroup("wslocal")
    group.addoption("--wslocal-bin", default=None,
                    help="the wslocal executable (default: $WSLOCAL_BIN, a go build of the checkout, wslocal on PATH)")
    parser.addini("wslocal_args", type="args", default=[],
                  help="more wslocal flags, e.g. --seed tests/seed.yaml --step 1s")
    parser.addini("wslocal_reset_each_test", type="bool", default=False,
                  help="reset wslocal (and re-seed it if started with --seed) before every test that uses it")


@pytest.fixture(scope="session")
def wslocal(request):
    """The session's wslocal (a Wslocal): memory store, manual clock."""
    server = Wslocal(binary=request.config.getoption("--wslocal-bin"),
                     args=request.config.getini("wslocal_args"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def wslocal_endpoint(wslocal):
    """The endpoint URL, e.g. http://127.0.0.1:41234: boto3's endpoint_url."""
    return wslocal.endpoint


@pytest.fixture
def wslocal_reset(wslocal):
    """Resets wslocal before the test (re-seeding when started with --seed)."""
    wslocal.reset()
    return wslocal


@pytest.fixture(autouse=True)
def _wslocal_reset_each_test(request):
    if "wslocal" in request.fixturenames and request.config.getini("wslocal_reset_each_test"):
        request.getfixturevalue("wslocal_reset")


@pytest.fixture
def advance(wslocal):
    """advance("90s"): moves the manual clock and applies what became due."""
    return wslocal.advance


@pytest.fixture(scope="session")
def wslocal_client(wslocal):
    """A factory: wslocal_client("workspaces", account=..., region=...)."""
    return wslocal.client


@pytest.fixture
def workspaces_client(wslocal):
    """A boto3 WorkSpaces client of wslocal, account 000000000000, us-east-1."""
    return wslocal.client("workspaces")
