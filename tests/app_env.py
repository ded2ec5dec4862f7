"""A data directory for the page tests: the index built once per test run, drafts kept apart.

The converted embedding model and the index are copied from the repository's own data directory
when it has them (a fresh build takes about a minute on two cores); `python -m assistant index`
then brings the copy up to date with the corpus, or builds it from scratch.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_prepared: dict[str, Path] = {}


def prepared_data_dir(base: Path) -> Path:
    """A data dir with model and index, under ``base`` (one per test session)."""
    if "dir" in _prepared:
        return _prepared["dir"]
    data = base / "data"
    data.mkdir(parents=True, exist_ok=True)
    repo_data = Path(os.environ.get("JX_DATA_DIR") or REPO / ".data")
    for part in ("models", "index"):
        if (repo_data / part).is_dir() and not (data / part).exists():
            shutil.copytree(repo_data / part, data / part)
    env = {**os.environ, "JX_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "assistant", "index"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"index build failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    _prepared["dir"] = data
    return data
