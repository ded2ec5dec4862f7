"""Reading an untrusted .xlsx/.docx in a worker process with a time and a memory limit.

The readers are bounded themselves (limits, xml_stream); this is the second wall, for whatever they
missed: one upload can never take the page (or the CLI) down with it. The worker is a fresh
interpreter (``python -m assistant.corpus.readers.worker``, not a fork of a process holding the
model, chromadb and Streamlit's threads); it caps its own address space and CPU time with
``resource.setrlimit`` once its imports are done, reads the file, and prints the SourceDocument as
JSON on stdout, or a Chinese error. The parent kills it at the wall-clock limit.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from assistant.corpus.readers import limits
from assistant.errors import IngestError
from assistant.schema import SourceDocument

_MEMORY = f"超出内存上限（约 {limits.WORKER_EXTRA_MB} MB）"
last_peak_mb: float | None = None  # the last worker's own peak RSS, as it reported it (for the probe's bounds)
_TIME = f"超出时间上限（{limits.WORKER_SECONDS:g} 秒）"


def read_isolated(path: Path, display: str | None = None, *, seconds: float | None = None) -> SourceDocument:
    """``read_office(path)`` in a worker; IngestError (Chinese, naming the limit) on any failure."""
    path = Path(path)
    name = display or path.name
    seconds = seconds or limits.WORKER_SECONDS
    command = [sys.executable, "-m", "assistant.corpus.readers.worker", str(path), name, str(seconds)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=seconds + 2, env=_env(), check=False)
    except subprocess.TimeoutExpired as exc:
        raise limits.refuse(name, f"读取{_TIME}") from exc
    except OSError as exc:
        raise IngestError(f"{name}：无法启动读取进程（{exc.strerror or exc}）") from exc
    return _result(name, done)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONIOENCODING", "utf-8")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _result(name: str, done: subprocess.CompletedProcess) -> SourceDocument:
    global last_peak_mb
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else {}
    except ValueError:
        answer = {}
    last_peak_mb = answer.get("peak_mb") if isinstance(answer, dict) else None
    if "document" in answer:
        return SourceDocument.model_validate(answer["document"])
    if "error" in answer:
        raise IngestError(answer["error"])
    if done.returncode < 0:  # killed: SIGXCPU is the CPU limit, anything else memory (the OOM killer)
        raise limits.refuse(name, f"读取时{_TIME if done.returncode == -signal.SIGXCPU else _MEMORY}")
    raise IngestError(f"{name}：文件已损坏或不是有效的 Excel/Word 文件（读取进程退出码 {done.returncode}）")


# --- the worker side -------------------------------------------------------------------------------

def _limit_self(seconds: float) -> None:
    """Cap this process: address space = what it holds now + WORKER_EXTRA_MB; CPU time = ``seconds``."""
    import resource

    with open("/proc/self/statm") as statm:
        now = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    cap = now + limits.WORKER_EXTRA_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _work(path: Path, name: str, seconds: float) -> dict:
    from assistant.corpus.readers import read_office

    try:
        _limit_self(seconds)
    except (OSError, ValueError, ImportError):
        pass  # not on Linux: the parent's wall-clock limit still holds
    try:
        return {"document": read_office(path, name).model_dump(mode="json", exclude_computed_fields=True)}
    except IngestError as exc:
        return {"error": str(exc)}
    except MemoryError:
        return {"error": str(limits.refuse(name, f"读取时{_MEMORY}"))}
    except RecursionError:
        return {"error": str(limits.refuse(name, "表格结构嵌套过深"))}
    except Exception as exc:  # a damaged file can trip any parser: say so, in Chinese
        return {"error": f"{name}：文件已损坏或不是有效的 Excel/Word 文件（{type(exc).__name__}）"}


def _peak_mb() -> float | None:
    """This process's own peak RSS. VmHWM, not ru_maxrss: Linux carries ru_maxrss across fork and exec,
    so a worker started by a large parent (the page, a test run holding the model) would report the
    parent's size."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)  # kB
    except OSError:
        pass
    return None


def main(argv: list[str]) -> int:
    path, name, seconds = Path(argv[0]), argv[1], float(argv[2])
    answer = _work(path, name, seconds)
    answer["peak_mb"] = _peak_mb()
    sys.stdout.write("\n" + json.dumps(answer, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
