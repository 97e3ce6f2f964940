#!/usr/bin/env python3
"""module-edges.py: every Swift target imports exactly the package modules it declares.

A module imported without being declared builds only while some other target happens to bring it
in (and breaks when that changes); one declared but unused makes the dependency graph lie about
the architecture. Reads `swift package dump-package` and the `import` lines of each target's
sources (Sources/NAME or Tests/NAME). Exit 1 with one line per difference; 0 when they agree.

    scripts/module-edges.py
"""
import json
import pathlib
import re
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parent.parent
IMPORT = re.compile(r"^\s*(?:@testable\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var)\s+)?(\w+)", re.MULTILINE)


def main():
    package = json.loads(subprocess.run(["swift", "package", "dump-package"], cwd=REPO, check=True,
                                        capture_output=True, text=True).stdout)
    names = {target["name"] for target in package["targets"]}
    problems = []
    for target in package["targets"]:
        if target["type"] == "system":
            continue
        declared = {next(iter(dependency.values()))[0] for dependency in target["dependencies"]}
        folder = REPO / ("Tests" if target["type"] == "test" else "Sources") / target["name"]
        imported = set()
        for source in folder.rglob("*.swift"):
            imported.update(name for name in IMPORT.findall(source.read_text()) if name in names)
        for name in sorted(imported - declared):
            problems.append(f"{target['name']} imports {name} without declaring it")
        for name in sorted(declared - imported):
            problems.append(f"{target['name']} declares {name} and never imports it")
    for line in problems:
        print("module-edges: " + line, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
