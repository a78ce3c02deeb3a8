"""Documents: file types read from the bytes, sizes and counts from the spec, errors inline."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from procgen import Registry
from procgen.files import UploadProblem, accept_attribute, check_upload, clean_filename, sniff
from procgen.testing.wizard import FormsHarness, HtmlPage, WizardDriver, harness, sample_file
from procgen.web.apply.wizard import DOCUMENTS_SLUG
from tests.conftest import DEFINITIONS

REGISTRY = Registry.from_path(DEFINITIONS)
NOW = dt.datetime(2026, 4, 15, 2, 0, tzinfo=dt.UTC)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPG = b"\xff\xd8\xff\xe1\x00\x18Exif\x00\x00"


def _zip(*names: str, first: tuple[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first is not None:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (b"\n\n  junk before %PDF-1.4 ...", "pdf"),
        (PNG, "png"),
        (JPG, "jpg"),
        (b"GIF89a\x01\x00", "gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"II*\x00\x08\x00", "tif"),
        (b"\x00\x00\x00\x18ftypheic\x00", "heic"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16, "doc"),
        (_zip("[Content_Types].xml", "word/document.xml"), "docx"),
        (_zip("[Content_Types].xml", "xl/workbook.xml"), "xlsx"),
        (_zip(first=("mimetype", b"application/vnd.oasis.opendocument.text")), "odt"),
        (_zip("notes.txt"), "zip"),
        (b"PK\x03\x04truncated", "zip"),
        ("Đơn khiếu nại\n".encode(), "txt"),
        (b"<?xml version='1.0'?><a/>", "xml"),
        (b"\x00\x01\x02\x03\xff", None),
        (b"", None),
    ],
)
def test_sniff_reads_the_type_from_the_bytes(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


@pytest.mark.parametrize(
    ("data", "accept", "problem"),
    [
        (PDF, ("pdf",), None),
        (JPG, ("jpeg",), None),
        (JPG, ("JPG", "png"), None),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ("xls",), None),
        (_zip("[Content_Types].xml", "word/document.xml"), ("docx",), None),
        (PNG, ("pdf",), UploadProblem("file_type", "png")),
        (b"just text renamed to .pdf", ("pdf",), UploadProblem("file_type", "txt")),
        (b"", ("pdf",), UploadProblem("file_empty")),
        (PDF + b"x" * 10_000, ("pdf",), UploadProblem("file_too_large")),
    ],
)
def test_check_upload(data: bytes, accept: tuple[str, ...], problem: UploadProblem | None) -> None:
    assert check_upload(data, accept=accept, max_size=10_000) == problem


def test_accept_attribute_lists_extensions_and_mime_types() -> None:
    assert accept_attribute(["pdf", "jpeg"]) == ".pdf,application/pdf,.jpeg,.jpg,image/jpeg"


@pytest.mark.parametrize(
    ("name", "kind", "clean"),
    [
        ("../../etc/passwd", None, "passwd"),
        ("C:\\Users\\an\\Đơn đề nghị.pdf", "pdf", "Đơn đề nghị.pdf"),
        ("scan.pdf", "png", "scan.pdf.png"),
        ("ảnh.JPEG", "jpg", "ảnh.JPEG"),
        ("a\x00b\r\n<x>.pdf", "pdf", "a_b_x_.pdf"),
        ("", "pdf", "file.pdf"),
        ("x" * 300 + ".pdf", "pdf", "x" * 116 + ".pdf"),
    ],
)
def test_clean_filename(name: str, kind: str | None, clean: str) -> None:
    assert clean_filename(name, kind=kind) == clean


# ---------------------------------------------------------------------------- the documents page


@pytest.fixture
def app() -> FormsHarness:
    return harness(REGISTRY, now=NOW)


def _documents_page(app: FormsHarness, lang: str = "vi") -> WizardDriver:
    """A UAV draft standing on its documents page (questions skipped)."""
    driver = app.driver(REGISTRY.get("BQP-UAV-01").spec)
    first = driver.start(lang=lang)
    driver.get(first.url.rsplit("/", 1)[0] + f"/{DOCUMENTS_SLUG}")
    return driver


def test_file_inputs_carry_accept_and_limits(app: FormsHarness) -> None:
    driver = _documents_page(app)
    assert driver.page is not None
    application = driver.page.by_id("document-application")
    assert application is not None
    assert application.attrs["accept"] == ".pdf,application/pdf"
    assert application.attrs["data-max-size"] == "10000000"
    assert "multiple" not in application.attrs
    photos = driver.page.by_id("document-aircraft_photos")
    assert photos is not None
    assert "multiple" in photos.attrs
    hint = driver.page.by_id("document-aircraft_photos-hint")
    assert hint is not None
    assert "JPG, PNG" in hint.clean_text
    assert "5 MB" in hint.clean_text
    form = driver.page.find_all("form", method="post")[-1]
    assert form.attrs["enctype"] == "multipart/form-data"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("vi", "Tệp scan.pdf phải có định dạng PDF"),
        ("en", "The file scan.pdf must be a PDF file"),
    ],
)
def test_a_file_whose_bytes_are_not_the_accepted_type_is_refused(
    app: FormsHarness, lang: str, message: str
) -> None:
    driver = _documents_page(app, lang)
    response = driver.post(
        [], button="upload", files=[("document-application", ("scan.pdf", PNG, "application/pdf"))]
    )
    assert response.status_code == 422
    page = HtmlPage(response.text)
    assert page.inline_errors()["document-application"] == message
    assert page.error_summary() == [("#document-application", message)]
    control = page.by_id("document-application")
    assert control is not None
    assert "document-application-error" in control.attrs["aria-describedby"]
    assert driver.page is not None
    assert "application" not in app.draft(driver.page.url).files


def test_too_large_and_empty_files_are_refused(app: FormsHarness) -> None:
    driver = _documents_page(app, "en")
    big = PNG + b"\x00" * 5_000_000
    response = driver.post(
        [],
        button="upload",
        files=[
            ("document-aircraft_photos", ("big.png", big, "image/png")),
            ("document-flight_area_map", ("empty.pdf", b"", "application/pdf")),
        ],
    )
    assert response.status_code == 422
    errors = HtmlPage(response.text).inline_errors()
    assert errors["document-aircraft_photos"] == "The file big.png must be smaller than 5 MB"
    assert errors["document-flight_area_map"] == "The file empty.pdf is empty"


def test_accepted_files_are_kept_listed_and_removable(app: FormsHarness) -> None:
    driver = _documents_page(app, "en")
    response = driver.post(
        [],
        button="upload",
        files=[
            ("document-aircraft_photos", ("a.jpeg", JPG, "image/jpeg")),
            ("document-aircraft_photos", ("b.png", PNG, "application/octet-stream")),
            ("document-application", ("đơn.pdf", PDF, "application/pdf")),
        ],
    )
    assert response.status_code == 303
    page = driver.get(response.headers["location"])
    names = [e.clean_text for e in page.find_all(class_="pg-files__name")]
    assert names == ["đơn.pdf", "a.jpeg", "b.png"]
    draft = app.draft(page.url)
    assert [f.content_type for f in draft.files["aircraft_photos"]] == ["image/jpeg", "image/png"]
    assert draft.files["application"][0].data == PDF
    # one file allowed: the input is gone until it is removed
    assert page.by_id("document-application") is None
    response = driver.post([], button="remove-file:aircraft_photos.0")
    page = driver.get(response.headers["location"])
    assert [e.clean_text for e in page.find_all(class_="pg-files__name")] == ["đơn.pdf", "b.png"]


def test_too_many_files_for_a_document(app: FormsHarness) -> None:
    driver = _documents_page(app, "en")
    files = [("document-aircraft_photos", (f"{i}.png", PNG, "image/png")) for i in range(5)]
    response = driver.post([], button="upload", files=files)
    assert response.status_code == 422
    assert HtmlPage(response.text).inline_errors()["document-aircraft_photos"] == (
        "Too many files (the limit is 4)"
    )
    assert driver.page is not None
    assert len(app.draft(driver.page.url).files["aircraft_photos"]) == 4


def test_required_documents_must_be_attached_to_continue(app: FormsHarness) -> None:
    driver = _documents_page(app, "en")
    response = driver.post([])
    page = driver.get(response.headers["location"])
    summary = dict(page.error_summary())
    assert summary["#document-application"] == "Attach a file: Application for a flight permit"
    assert "#document-aircraft_photos" not in summary  # optional
    name, data, mime = sample_file(["pdf"])
    response = driver.post([], files=[("document-application", (name, data, mime))])
    page = driver.get(response.headers["location"])
    assert "#document-application" not in dict(page.error_summary())


# ---------------------------------------------------------------------------- file fields

PHOTO_SPEC = """
code: PHOTO-01
name: {vi: Nộp ảnh, en: Send a photo}
sector: test
level: commune
agency: {name: {vi: Công an xã}}
deadline: 3 working days
fields:
  - {id: full_name, type: text, label: {vi: Họ và tên, en: Full name}, required: true}
  - id: photo
    type: file
    label: {vi: Ảnh chân dung, en: Portrait}
    required: true
    accept: [jpg, png]
    max_size: 1KB
steps:
  - {id: review, role: applicant, actions: [{id: done, to: done}]}
  - {id: done, outcome: approved}
"""


def test_a_file_field_keeps_its_file_and_hands_it_over() -> None:
    from procgen import loads

    spec = loads(PHOTO_SPEC, "photo.yaml")
    app = harness(Registry([spec]), now=NOW)
    driver = app.driver(spec)
    first = driver.start(lang="en")
    form = first.find_all("form", method="post")[-1]
    assert form.attrs["enctype"] == "multipart/form-data"
    control = first.by_id("photo")
    assert control is not None
    assert control.attrs["accept"] == ".jpg,image/jpeg,.png,image/png"

    refused = driver.post(
        [("full_name", "Hồ Thị Lan")], files=[("upload:photo", ("photo.pdf", PDF, "image/png"))]
    )
    assert refused.status_code == 422
    page = HtmlPage(refused.text)
    assert page.inline_errors()["photo"] == "The file photo.pdf must be a JPG, PNG file"
    assert page.by_id("full_name").attrs["value"] == "Hồ Thị Lan"

    response = driver.post(
        [("full_name", "Hồ Thị Lan")],
        button="save",
        files=[("upload:photo", ("chân dung.png", PNG, "x"))],
    )
    assert response.status_code == 303
    page = driver.get(first.url)
    assert [e.clean_text for e in page.find_all(class_="pg-files__name")] == ["chân dung.png"]
    hidden = [e for e in page.find_all("input", type="hidden") if e.attrs.get("name") == "photo"]
    # the page posts the reference back: continuing without a new file keeps it
    response = driver.post([("full_name", "Hồ Thị Lan"), ("photo", hidden[0].attrs["value"])])
    check = driver.get(response.headers["location"])
    assert "chân dung.png" in check.text()
    driver.send()
    [submission] = app.submissions.submissions
    assert submission.cleaned_data["photo"]["name"] == "chân dung.png"
    ref = submission.cleaned_data["photo"]["id"]
    assert [f.data for f in submission.files[f"field:{ref}"]] == [PNG]


def test_a_file_field_can_be_cleared() -> None:
    from procgen import loads

    spec = loads(PHOTO_SPEC, "photo.yaml")
    app = harness(Registry([spec]), now=NOW)
    driver = app.driver(spec)
    first = driver.start()
    driver.post([], button="save", files=[("upload:photo", ("a.png", PNG, "image/png"))])
    page = driver.get(first.url)
    hidden = [e for e in page.find_all("input", type="hidden") if e.attrs.get("name") == "photo"]
    response = driver.post([("photo", hidden[0].attrs["value"])], button="clear:photo")
    page = driver.get(response.headers["location"])
    assert page.find_all(class_="pg-files__name") == []
