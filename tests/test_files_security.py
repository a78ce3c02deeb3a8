"""Uploads: HTML/PDF polyglots are not PDFs, real PDFs still are; file names lose
bidirectional controls and invisible characters."""

from __future__ import annotations

import pytest

from procgen.files import check_upload, clean_filename, sniff

REAL_PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"


@pytest.mark.parametrize(
    "data",
    [
        REAL_PDF,
        b"%PDF-1.4\n" + bytes(range(256)) * 8,  # binary streams after the header
        b"\r\n\r\n%PDF-1.5\n1 0 obj <<>> endobj\n%%EOF\n",  # junk before the header
        b"\x00" * 900 + b"%PDF-1.3\n" + b"\x8f" * 2000,  # the header late in the first KiB
        b"%PDF-1.4\n1 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\n",  # PDF's own
        b"%PDF-1.7\n<</Type/Metadata>> stream\n<x:xmpmeta>...</x:xmpmeta>\nendstream\n",
    ],
)
def test_real_pdfs_are_pdfs(data: bytes) -> None:
    assert sniff(data) == "pdf"
    assert check_upload(data, accept=("pdf",), max_size=10**6) is None


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><script>alert(1)</script>%PDF-1.4</body></html>",
        b"<!DOCTYPE html>\n<p>%PDF-1.4</p>",
        b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>",
        b"%PDF-1.4 <ScRiPt>alert(1)</ScRiPt>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>%PDF-1.4",
        b"%PDF-1.4\n<iframe src=//evil.example>",
        b"%PDF-1.4\x00\x01<HTML>" + b"\x90" * 100,
    ],
)
def test_pdf_html_polyglots_are_refused(data: bytes) -> None:
    assert sniff(data) != "pdf"
    problem = check_upload(data, accept=("pdf",), max_size=10**6)
    assert problem is not None
    assert problem.code == "file_type"


@pytest.mark.parametrize(
    ("name", "kind", "cleaned"),
    [
        ("hoa-don\u202efdp.exe", None, "hoa-don_fdp.exe"),
        ("hoa-don\u202efdp.exe", "pdf", "hoa-don_fdp.exe.pdf"),
        ("a\u2066b\u2069.pdf", "pdf", "a_b_.pdf"),
        ("\u200b\u200b.pdf", "pdf", "file.pdf"),
        ("\u202e", "pdf", "file.pdf"),
        ("\u2067\u2069", None, "file"),
        ("___.pdf", "pdf", "file.pdf"),
        ("_x_.pdf", "pdf", "_x_.pdf"),
        ("Giấy khai sinh.pdf", "pdf", "Giấy khai sinh.pdf"),
    ],
)
def test_file_names_lose_bidirectional_controls(name: str, kind: str | None, cleaned: str) -> None:
    assert clean_filename(name, kind=kind) == cleaned


def test_file_names_are_nfc_and_cut_by_what_a_person_sees() -> None:
    decomposed = "Gia\u0302\u0301y.pdf"  # "Giấy" typed with combining marks
    assert clean_filename(decomposed, kind="pdf") == "Giấy.pdf"
    cut = clean_filename("e\u0301" * 200, limit=120)
    assert set(cut) == {"é"}
    assert 110 < len(cut) <= 120
