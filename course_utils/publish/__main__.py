"""python -m course_utils.publish {slides,site,slide-types} NOTEBOOK... [--out DIR].

slide-types fills in the slide type of cells that have none (course_utils.publish.lecture).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from course_utils.publish.build import build_site, build_slides
from course_utils.publish.lecture import apply

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m course_utils.publish", description=__doc__)
    parser.add_argument("what", choices=["slides", "site", "slide-types"])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, help="default: build/slides or build/site")
    parser.add_argument(
        "--executed",
        type=Path,
        default=ROOT / "build" / "executed",
        help="where the executed copies are cached (default: build/executed)",
    )
    args = parser.parse_args(argv)
    missing = [str(p) for p in args.notebooks if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    began = time.perf_counter()
    if args.what == "slide-types":
        for path in args.notebooks:
            print(f"{path}: {apply(path)} cells given a slide type")
    elif args.what == "slides":
        out = args.out or ROOT / "build" / "slides"
        decks = build_slides(args.notebooks, out, args.executed)
        print(
            f"{len(decks)} decks in {out} "
            f"({time.perf_counter() - began:.0f} s): open one in a browser"
        )
    else:
        out = args.out or ROOT / "build" / "site"
        index = build_site(args.notebooks, out, args.executed, slides="../slides")
        print(f"site in {out} ({time.perf_counter() - began:.0f} s): open {index}")


if __name__ == "__main__":
    main()
