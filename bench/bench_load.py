"""Benchmark: loading and checking many procedure specs.

Generates N spec files (copies of the bundled definitions under new codes) in a temporary
folder, then times, in the same run:

- procgen: ``load_sources`` (YAML with positions, models, reference checks) plus ``lint_spec``,
  i.e. what ``procgen check`` does;
- reference: a hand-written minimal loader, ``yaml.safe_load`` (libyaml) + ``model_validate``,
  with no positions, no reference checks and no linting.

Prints the time per 100 procedures for each and the ratio. Usage:
``python bench/bench_load.py [N] [ROUNDS]`` (default 500 procedures, best of 3 rounds).
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from procgen.spec.lint import lint_spec
from procgen.spec.loader import load_sources
from procgen.spec.models import ProcedureSpec

ROOT = Path(__file__).resolve().parent.parent
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def make_corpus(folder: Path, count: int) -> list[Path]:
    sources = sorted((ROOT / "definitions").glob("*.yaml"))
    paths = []
    for index in range(count):
        text = sources[index % len(sources)].read_text(encoding="utf-8")
        text = re.sub(r"^code: .*$", f"code: BENCH-{index:04d}", text, count=1, flags=re.M)
        path = folder / f"p{index:04d}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def run_procgen(folder: Path) -> int:
    loaded = load_sources([folder])
    for item in loaded:
        if item.spec is None:
            raise SystemExit(f"{item.file} does not load: {item.diagnostics}")
        lint_spec(item.spec, item.source)
    return len(loaded)


def run_reference(paths: list[Path]) -> int:
    count = 0
    for path in paths:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
        ProcedureSpec.model_validate(data)
        count += 1
    return count


def best_of(rounds: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = make_corpus(folder, count)
        if run_procgen(folder) != count:
            raise SystemExit("not every generated procedure loaded")
        ours = best_of(rounds, lambda: run_procgen(folder))
        reference = best_of(rounds, lambda: run_reference(paths))
        lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in paths) / count
    per100 = ours / count * 100
    ref100 = reference / count * 100
    libyaml = _Loader is not yaml.SafeLoader
    print(f"procedures: {count} (mean {lines:.0f} lines each), best of {rounds} rounds")
    print(f"libyaml: {libyaml}")
    print(f"procgen load+check+lint: {ours:.3f} s total, {per100:.3f} s per 100 procedures")
    print(f"reference safe_load+validate: {reference:.3f} s total, {ref100:.3f} s per 100")
    print(f"ratio procgen/reference: {ours / reference:.2f}x (procgen also locates and checks)")
    print(f"target: well under 1 s per 100 -> {'met' if per100 < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
