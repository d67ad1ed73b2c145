"""Checks a notebook executed by a real Jupyter client against tests/Jupyter/expected-outputs.json.

  check_outputs.py EXECUTED.ipynb EXPECTED.json

The executed notebook must validate with nbformat, have run every code cell, hold no error output, and for each cell
the expectations name (by cell id): "frame" -> a text/html <table> whose header cells include every listed column;
"chart" -> a text/html Plotly chart (Plotly.NET.Interactive's div + Plotly.newPlot script); "picture" -> an image/png
output that is a PNG. Prints one line per check; exits 1 naming every failure.
"""
import base64
import html as html_text
import json
import os
import re
import sys

import nbformat


def text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def rich_outputs(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") in ("display_data", "execute_result")]


def check_frame(cell, columns):
    for output in rich_outputs(cell):
        html = text(output.get("data", {}).get("text/html"))
        if "<table" not in html:
            continue
        headers = {html_text.unescape(h).strip() for h in re.findall(r"<th>(.*?)</th>", html, re.S)}
        missing = [c for c in columns if c not in headers]
        return f"table without columns {missing}" if missing else None
    return "no text/html <table>"


def check_chart(cell, _):
    charts = [o for o in rich_outputs(cell) if "Plotly.newPlot(" in text(o.get("data", {}).get("text/html"))]
    return None if charts else "no Plotly chart (text/html with Plotly.newPlot)"


def check_picture(cell, _):
    for output in rich_outputs(cell):
        png = output.get("data", {}).get("image/png")
        if png and base64.b64decode(text(png))[:8] == b"\x89PNG\r\n\x1a\n":
            return None
    return "no image/png PNG"


def check_text(cell, needle):
    for output in rich_outputs(cell):
        data = output.get("data", {})
        if needle in text(data.get("text/plain")) or needle in html_text.unescape(text(data.get("text/html"))):
            return None
    return f"no output containing {needle!r}"


CHECKS = {"frame": check_frame, "chart": check_chart, "picture": check_picture, "text": check_text}


def main(executed, expected_file):
    name = os.path.splitext(os.path.basename(executed))[0]
    notebook = nbformat.read(executed, as_version=4)
    nbformat.validate(notebook)
    expected = json.load(open(expected_file))[name]
    failures = []
    code = [c for c in notebook.cells if c.cell_type == "code"]
    for cell in code:
        if cell.get("execution_count") is None:
            failures.append(f"{name}/{cell.get('id')}: not executed")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                failures.append(f"{name}/{cell.get('id')}: error {output.get('ename')}: {output.get('evalue')}")
    by_id = {c.get("id"): c for c in code}
    for cell_id, (kind, argument) in expected.items():
        cell = by_id.get(cell_id)
        problem = "no such cell" if cell is None else CHECKS[kind](cell, argument)
        print(f"{name}/{cell_id}: {kind} {'ok' if problem is None else 'FAILED: ' + problem}")
        if problem is not None:
            failures.append(f"{name}/{cell_id}: {kind}: {problem}")
    if failures:
        print("\n".join(["check_outputs: FAILED"] + failures), file=sys.stderr)
        return 1
    print(f"check_outputs: {name}: {len(code)} cells ran, {len(expected)} rich outputs as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
