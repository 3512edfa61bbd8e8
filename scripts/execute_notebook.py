"""Execute a notebook with the course's TypeScript kernel; report errors, stderr and timings as JSON.

Usage: .venv/bin/python scripts/execute_notebook.py IN.ipynb OUT.ipynb [--timeout SECONDS] [--cwd DIR]
The JSON summary goes to stdout. Exit status 0 whenever the notebook could be started: the caller decides
what counts as failure (error outputs, stderr streams, a cell that timed out or killed its kernel) from the summary.
"""
import argparse
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError


def describe_process(pid):
    """What a stuck kernel is doing, from /proc: its threads' states and the CPU time it has used.

    A kernel that spins in JavaScript shows a running thread and CPU time close to the wall time;
    one that waits (a lost message, a deadlock) shows sleeping threads and little CPU time.
    """
    try:
        ticks = os.sysconf("SC_CLK_TCK")
        states = {}
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/task/{task}/comm") as comm:
                name = comm.read().strip()
            states.setdefault(fields[0], []).append(name)
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        threads = "; ".join(f"{state}: {', '.join(sorted(names))}" for state, names in sorted(states.items()))
        return f"kernel pid {pid} has used {cpu:.1f} s of CPU; its threads by state (R running, S sleeping, D waiting on I/O): {threads}"
    except (OSError, ValueError, IndexError) as error:
        return f"kernel pid {pid}: its state could not be read ({error})"


class DiagnosingClient(NotebookClient):
    """Notes the kernel's state when a cell times out, before nbclient shuts the kernel down."""

    kernel_state = None

    async def _async_handle_timeout(self, timeout, cell=None):
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        self.kernel_state = describe_process(pid) if pid else "the kernel's process id is unknown"
        return await super()._async_handle_timeout(timeout, cell)


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

    client = DiagnosingClient(
        notebook,
        kernel_name=args.kernel,
        timeout=args.timeout,
        allow_errors=True,
        resources={"metadata": {"path": args.cwd or os.path.dirname(os.path.abspath(args.notebook))}},
        on_cell_execute=on_start,
        on_cell_executed=on_done,
    )
    begin = time.monotonic()
    errors, stderr, cells = [], [], []
    try:
        client.execute()
    except (CellTimeoutError, DeadKernelError) as failure:
        # The cell that started and never finished; the outputs so far are kept for the report.
        stuck = max((i for i in started if i not in finished), default=None)
        reason = f"did not finish within {args.timeout} s" if isinstance(failure, CellTimeoutError) else "lost its kernel (it died)"
        if stuck is not None:
            statuses[stuck] = "timed out" if isinstance(failure, CellTimeoutError) else "kernel died"
            finished[stuck] = time.monotonic()
        state = f"; {client.kernel_state}" if client.kernel_state else ""
        errors.append({"cell": stuck, "ename": type(failure).__name__, "evalue": f"cell {stuck} {reason}{state}"})
    wall = time.monotonic() - begin
    nbformat.write(notebook, args.output)

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
