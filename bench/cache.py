"""Synthetic dumps shared by the benchmarks: made once by make_archive.py, kept in bench/out/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ensure_dump(posts: int) -> Path:
    """bench/out/archive-POSTS.txt, written by make_archive.py the first time it is asked for."""
    out = ROOT / "bench" / "out" / f"archive-{posts}.txt"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        script = ROOT / "bench" / "make_archive.py"
        subprocess.run([sys.executable, str(script), str(out), "--posts", str(posts)], check=True)
    return out
