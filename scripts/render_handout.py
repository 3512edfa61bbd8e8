"""Render an executed notebook to one handout page with the course's nbconvert template.

Usage: .venv/bin/python scripts/render_handout.py EXECUTED.ipynb OUT.html CONTEXT.json
CONTEXT.json is what the template shows beside the notebook: the navigation bar, the edition,
and where the local MathJax copy is (relative to the page).
"""
import json
import os
import sys

import nbformat
from nbconvert import HTMLExporter

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "handouts", "templates")


def main() -> int:
    executed, out, context_file = sys.argv[1:4]
    with open(context_file, encoding="utf-8") as f:
        context = json.load(f)
    notebook = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(template_name="course", extra_template_basedirs=[TEMPLATES])
    # Charts are vega-lite bundles with an SVG beside the spec: nbconvert cannot draw vega-lite, so the SVG is shown.
    exporter.exclude_input_prompt = False
    body, _ = exporter.from_notebook_node(notebook, resources={"course": context})
    with open(out, "w", encoding="utf-8") as f:
        f.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
