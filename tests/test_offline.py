"""Nothing connects outward: the CLI's search and draft, and the page's server, with every connection to
an address off this machine refused and recorded (a sitecustomize loaded into the child processes).

chromadb, onnxruntime, Streamlit and the Hugging Face libraries all have telemetry or hub look-ups that
would try to reach the network; config.py turns them off. This proves it where it matters: in the real
processes, with the real model and index.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from app_env import REPO, prepared_data_dir
from servers import free_port, running, wait_until_up

pytestmark = pytest.mark.integration

GUARD = '''
import os, socket

_LOG = os.environ["JX_NET_LOG"]
_LOCAL = ("127.", "::1", "localhost", "0.0.0.0")


def _local(host):
    return not isinstance(host, str) or host.startswith(_LOCAL) or host.startswith("/") or host == ""


def _record(what):
    with open(_LOG, "a", encoding="utf-8") as log:
        log.write(what + "\\n")


_connect = socket.socket.connect
_getaddrinfo = socket.getaddrinfo


def connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _local(host):
        _record(f"connect {host}")
        raise OSError("outbound connection refused by the test")
    return _connect(self, address)


def getaddrinfo(host, *args, **kwargs):
    if not _local(host if isinstance(host, str) else str(host)):
        _record(f"lookup {host}")
        raise socket.gaierror("outbound lookup refused by the test")
    return _getaddrinfo(host, *args, **kwargs)


socket.socket.connect = connect
socket.getaddrinfo = getaddrinfo
'''


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    base = tmp_path_factory.mktemp("offline")
    data = prepared_data_dir(base)
    guard = base / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = base / "net.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("JX_LLM")}
    env.update({"JX_DATA_DIR": str(data), "JX_NET_LOG": str(log),
                "PYTHONPATH": os.pathsep.join([str(guard), str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)})
    return env, log


def _attempts(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.mark.parametrize("args", [
    ["search", "房屋租金支出", "--k", "3"],
    ["draft", "--name", "物业管理费", "--budget", "54.97", "--year", "2025"],
    ["suggest", "12329短信"],
])
def test_the_cli_reaches_nothing_outside(guarded, args):
    env, log = guarded
    done = subprocess.run([sys.executable, "-m", "assistant", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert _attempts(log) == []


def test_the_page_server_reaches_nothing_outside(guarded, tmp_path):
    env, log = guarded
    port = free_port()
    streamlit = Path(sys.executable).with_name("streamlit")
    cmd = [str(streamlit), "run", "assistant/ui/app.py", "--server.port", str(port), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    url = f"http://127.0.0.1:{port}"
    with running(cmd, tmp_path / "streamlit.log", cwd=REPO, env=env) as proc:
        wait_until_up(f"{url}/_stcore/health", proc, tmp_path / "streamlit.log", timeout=90)
        with urllib.request.urlopen(url, timeout=10) as page:
            assert page.status == 200
        time.sleep(3)  # any start-up telemetry would have fired by now
    assert _attempts(log) == []


def test_the_guard_sees_an_outbound_attempt(guarded):
    """The check can fail: a process that does reach out is recorded (and refused)."""
    env, log = guarded
    before = len(_attempts(log))
    code = "import urllib.request\ntry:\n    urllib.request.urlopen('http://example.org', timeout=2)\nexcept OSError:\n    pass"
    subprocess.run([sys.executable, "-c", code], env=env, timeout=60, check=True)
    assert len(_attempts(log)) > before
    log.write_text("\n".join(_attempts(log)[:before]) + ("\n" if before else ""), encoding="utf-8")
