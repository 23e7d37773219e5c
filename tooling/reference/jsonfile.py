"""Writing the reference JSON (tooling/reference/README.md): indented objects, arrays of numbers on one line,
atomically (a temporary file in the same folder, then a rename)."""
import json
import os
import re
import tempfile

NUMBER_ARRAY = re.compile(r"\[\s*((?:-?\d[\d.eE+-]*|null)(?:,\s*(?:-?\d[\d.eE+-]*|null))*)\s*\]")


def dumps(doc):
    """`doc` as JSON text: indent 1, every array of numbers (or nulls) on one line."""
    text = json.dumps(doc, indent=1, allow_nan=False)
    return NUMBER_ARRAY.sub(lambda m: "[" + re.sub(r",\s*", ", ", m.group(1)) + "]", text) + "\n"


def write(doc, path):
    """Writes `doc` to `path` atomically."""
    text = dumps(doc)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)
