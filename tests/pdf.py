"""Reading PDFs back in tests, as poppler's pdftotext does (apt poppler-utils)."""

import subprocess
from pathlib import Path


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text of a PDF, layout kept; pages separated by form feeds."""
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
