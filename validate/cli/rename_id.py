"""`python -m validate rename-id OLD NEW [PATH]`: rename an ID everywhere it is used (validate/rename.py)."""

from __future__ import annotations

import argparse

from .. import rename
from ..errors import EXIT_OK, CannotRun
from ..package import load
from ..safetext import text_report, visible
from .arguments import Parser, add_package

SUMMARY = "Rename an ID in every table, schema example and generated doc that uses it (all files or none)."


def build_parser(prog: str) -> argparse.ArgumentParser:
    """The parser of `rename-id`."""
    parser = Parser(
        prog=prog,
        description="Rename an ID everywhere it is used: the record that owns it, every foreign key and target_table/target_id "
        "pair that points at it (found from the schemas), schema examples and the generated data dictionary. "
        "Refuses a collision or a malformed ID. Writes all files or none, then fills.",
    )
    parser.add_argument("old", help="the ID to rename, e.g. ent-cecot")
    parser.add_argument("new", help="the new ID, e.g. ent-cecot-prison")
    add_package(parser)
    return parser


def run_command(args: argparse.Namespace) -> int:
    """Rename, then say where (file, column, lines) and what fill rewrote."""
    package = load(args.path)
    try:
        plan = rename.plan_rename(package, args.old, args.new)
    except rename.RenameError as error:
        raise CannotRun(str(error)) from None
    changed, filled = rename.write(package, plan)
    total, places = rename.places(plan)
    lines = [f"renamed {args.old} to {args.new} in {total} place(s):", *places]
    if filled:
        lines.append("fill: rewrote " + ", ".join(filled))
    print(text_report("\n".join(visible(line) for line in lines)))
    if not changed:
        print("nothing to change")
    return EXIT_OK
