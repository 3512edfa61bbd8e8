"""Execute a notebook with the course's TypeScript kernel; report errors, stderr and timings as JSON.

Usage: .venv/bin/python scripts/execute_notebook.py IN.ipynb OUT.ipynb [--timeout SECONDS] [--cwd DIR]
The JSON summary goes to stdout. Exit status 0 whenever the notebook could be run at all: the
caller decides what counts as failure (error outputs, stderr streams) from the summary.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("output")
    parser.add_argument("--timeout", type=int, default=600, help="per cell, in seconds")
    parser.add_argument("--kernel", default="typescript")
    parser.add_argument("--cwd", help="working directory of the kernel (default: the notebook's folder)")
    args = parser.parse_args()

    notebook = nbformat.read(args.notebook, as_version=4)
    started = {}
    finished = {}
    statuses = {}

    def on_start(cell, cell_index, **_):
        started[cell_index] = time.monotonic()

    def on_done(cell, cell_index, execute_reply=None, **_):
        finished[cell_index] = time.monotonic()
        statuses[cell_index] = ((execute_reply or {}).get("content") or {}).get("status", "unknown")

    client = NotebookClient(
        notebook,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=True,
        resources={"metadata": {"path": args.cwd or os.path.dirname(os.path.abspath(args.notebook))}},
        on_cell_execute=on_start,
        on_cell_executed=on_done,
    )
    begin = time.monotonic()
    client.execute()
    wall = time.monotonic() - begin
    nbformat.write(notebook, args.output)

    errors, stderr, cells = [], [], []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        seconds = finished.get(index, begin) - started.get(index, begin)
        cells.append({"index": index, "seconds": round(seconds, 3), "execution_count": cell.get("execution_count"), "status": statuses.get(index, "not run")})
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append({"cell": index, "ename": output.get("ename"), "evalue": output.get("evalue")})
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                stderr.append({"cell": index, "text": output.get("text", "")[:2000]})
    json.dump({"notebook": args.notebook, "wall_seconds": round(wall, 2), "errors": errors, "stderr": stderr, "cells": cells}, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
