"""Starting a real server for a test (Streamlit, chroma run): a free port, a wait until it answers,
a clean stop."""
from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float,
                  ready: Callable[[bytes], bool] = lambda body: True) -> None:
    """Poll ``url`` until it answers and ``ready(body)``; fail with the log's tail if the process exits
    or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"{proc.args[0]} exited with {proc.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200 and ready(resp.read()):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{url} did not answer within {timeout}s:\n{_tail(log)}")


@contextmanager
def running(cmd: list[str], log: Path, **popen) -> Iterator[subprocess.Popen]:
    """The process, its output in ``log``; terminated (killed if it must be) on the way out."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, **popen)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]
