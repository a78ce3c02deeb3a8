"""``python -m procgen.workflow``: write the Markdown page of workflow diagrams.

Usage: ``python -m procgen.workflow [DEFINITIONS] [-o FILE] [--check] [--locale vi|en]``.
It writes the page :func:`~procgen.workflow.diagrams.render_diagrams_page` makes from the specs in
``DEFINITIONS`` (default ``definitions``) to ``FILE``, or to standard output; with ``--check``
it writes nothing and exits 1 when ``FILE`` is out of date.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from procgen.spec.loader import load_dir
from procgen.workflow.diagrams import REGENERATE, render_diagrams_page


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m procgen.workflow",
        description="Write the Markdown page of workflow diagrams of the bundled procedures.",
    )
    parser.add_argument("definitions", nargs="?", default="definitions", type=Path)
    parser.add_argument("-o", "--output", type=Path, help="write the page to this file")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if OUTPUT differs from the generated page"
    )
    parser.add_argument("--locale", choices=("vi", "en"), default="vi")
    args = parser.parse_args(argv)
    page = render_diagrams_page(load_dir(args.definitions), locale=args.locale)
    if args.output is None:
        sys.stdout.write(page)
        return 0
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != page:
            print(f"{args.output} is out of date: run {REGENERATE}", file=sys.stderr)
            return 1
        return 0
    args.output.write_text(page, encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
