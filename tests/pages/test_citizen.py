"""The citizen's pages: the catalogue, tracking by number and code, their own dossiers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote, urljoin

import pytest

from procgen.forms import example_payload
from procgen.service import Actions, DossierService, DossierView, NotFound, User
from procgen.testing.wizard import (
    HtmlPage,
    WizardDriver,
    make_client,
    sample_documents,
    sample_file,
)
from procgen.web.pages.citizen import fold
from procgen.web.pages.tracking import TrackedActing
from procgen.workflow import Actor
from tests.pages.conftest import CODES, REGISTRY, TODAY, Pages, pages_only


def test_fold_removes_accents_and_case() -> None:
    assert fold("Đăng ký NGHĨA VỤ quân sự") == "dang ky nghia vu quan su"


def test_the_catalogue_lists_every_procedure_with_a_link_to_apply(pages: Pages) -> None:
    response = pages.client().get("/services")
    assert response.status_code == 200
    page = HtmlPage(response.text)
    assert page.lang == "vi"
    assert page.h1 == "Dịch vụ công"
    for spec in REGISTRY.specs(latest=True):
        assert spec.name.vi in response.text
        assert f'href="/dich-vu/{spec.code}"' in response.text
    assert page.labels() == {"q": "Tìm dịch vụ", "sector": "Lĩnh vực"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("nghia vu", {"BQP-NVQS-01", "BQP-NVQS-03"}),
        ("NGHĨA VỤ tạm vắng", {"BQP-NVQS-03"}),
        ("1.001733", {"BQP-NVQS-03"}),
        ("flight permit", {"BQP-UAV-01"}),
        ("không có thủ tục này", set()),
    ],
)
def test_the_catalogue_search_ignores_accents_and_case(
    pages: Pages, query: str, expected: set[str]
) -> None:
    response = pages.client().get(f"/services?q={quote(query)}")
    shown = set(re.findall(r'href="/dich-vu/([A-Z0-9-]+)"', response.text))
    assert shown == expected
    if not expected:
        assert "Không tìm thấy dịch vụ phù hợp." in response.text


def test_the_catalogue_filters_by_sector(pages: Pages) -> None:
    client = pages.client()
    response = client.get("/services?sector=nghia-vu-quan-su&lang=en")
    shown = set(re.findall(r'href="/dich-vu/([A-Z0-9-]+)"', response.text))
    assert shown == {"BQP-NVQS-01", "BQP-NVQS-03"}
    assert "Military service" in response.text
    assert HtmlPage(response.text).lang == "en"
    assert '<option value="nghia-vu-quan-su" selected>' in response.text
    unknown = client.get("/services?sector=<script>")
    assert unknown.status_code == 200
    assert "<script>" not in unknown.text
    assert len(re.findall(r'href="/dich-vu/([A-Z0-9-]+)"', unknown.text)) == len(CODES)


def test_tracking_finds_a_dossier_by_number_and_code(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03", user=None)
    client = pages.client()
    form = client.get("/track")
    assert form.status_code == 200
    labels = HtmlPage(form.text).labels()
    assert labels["number"] == "Mã hồ sơ"
    assert labels["secret"] == "Mã tra cứu"
    typed = filed.tracking_secret.lower().replace("-", " ")
    found = pages.post(client, "/track", {"number": filed.dossier.number, "secret": typed})
    assert found.status_code == 303
    location = found.headers["location"]
    assert location.startswith(f"/track/{filed.dossier.number}?secret=")
    page = client.get(location)
    assert page.status_code == 200
    text = HtmlPage(page.text).text()
    assert "Tiếp nhận hồ sơ" in text  # the step, as the spec names it
    assert "Hiện bạn chưa cần làm gì" in text
    assert "16/04/2025" in text  # the appointment date
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "same-origin"


def test_an_unknown_number_and_a_wrong_code_get_the_same_answer(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03", user=None)
    client = pages.client()
    wrong_code = pages.post(
        client, "/track", {"number": filed.dossier.number, "secret": "AAAA-BBBB-CCCC"}
    )
    unknown = pages.post(
        client, "/track", {"number": "000.00.31.H29-250415-9999", "secret": "AAAA-BBBB-CCCC"}
    )
    assert wrong_code.status_code == unknown.status_code == 404

    def body(response: object) -> str:
        text = response.text  # type: ignore[attr-defined]
        text = re.sub(r'name="csrf_token" value="[^"]+"', "", text)
        return re.sub(r'name="number"[^>]*value="[^"]*"', "", text)

    assert body(wrong_code) == body(unknown)
    assert filed.dossier.number not in HtmlPage(wrong_code.text).find_all("main")[0].text
    for path in (
        f"/track/{filed.dossier.number}",
        f"/track/{filed.dossier.number}?secret=AAAA-BBBB-CCCC",
        f"/track/{filed.dossier.number}/papers/01?secret=AAAA-BBBB-CCCC",
        "/track/nope?secret=" + "A" * 500,
    ):
        assert client.get(path).status_code == 404, path


def test_tracking_shows_the_supplement_request_and_the_papers(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03", user=None)
    pages.clock.advance(dt.timedelta(minutes=15))
    reception = User("reception", frozenset({"reception"}))
    pages.service.act(
        filed.dossier.id, "request_supplement", reception, {"reason": "Thiếu giấy chứng nhận"}
    )
    secret = quote(filed.tracking_secret)
    client = pages.client()
    page = client.get(f"/track/{filed.dossier.number}?secret={secret}&lang=en")
    text = HtmlPage(page.text).text()
    assert "needs more documents from you" in text
    assert "Thiếu giấy chứng nhận" in text
    assert "reception" not in text  # officers' ids are not shown to the applicant
    paper = client.get(f"/track/{filed.dossier.number}/papers/02?secret={secret}")
    assert paper.status_code == 200
    assert "Thiếu giấy chứng nhận" in paper.text
    receipt = client.get(f"/track/{filed.dossier.number}/papers/01?secret={secret}")
    assert receipt.status_code == 200
    assert filed.tracking_secret in receipt.text
    papers = re.findall(r'href="(/track/[^"]+/papers/\d\d[^"]*)"', page.text)
    assert len(papers) == 3  # 01, 02 and 05
    for link in papers:
        assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_an_applicant_answers_a_supplement_request_by_uploading_documents(
    pages: Pages,
) -> None:
    filed = pages.submit("BQP-NVQS-03")
    reception = User("reception", frozenset({"reception"}))
    pages.clock.advance(dt.timedelta(minutes=15))
    pages.service.act(
        filed.dossier.id, "request_supplement", reception, {"reason": "Ảnh chụp bị mờ"}
    )
    client = pages.client("citizen-1")
    page = client.get(f"/dossiers/{filed.dossier.id}")
    assert page.status_code == 200
    html = HtmlPage(page.text)
    assert html.by_id("document-registration_certificate") is not None
    assert "Ảnh chụp bị mờ" in html.text()
    actions = set(re.findall(r'/actions/([a-z_]+)"', page.text))
    assert actions == {"supplement", "withdraw"}
    url = f"/dossiers/{filed.dossier.id}/actions/supplement"
    wrong = pages.post(
        client,
        url,
        {"version": "2"},
        {"document-registration_certificate": ("scan.pdf", b"not a pdf at all", "application/pdf")},
    )
    assert wrong.status_code == 422
    assert HtmlPage(wrong.text).error_summary()
    pages.clock.advance(dt.timedelta(hours=2))
    sent = pages.post(
        client,
        url,
        {"version": "2"},
        {"document-registration_certificate": sample_file(["pdf"])},
    )
    assert sent.status_code == 303, sent.text[:2000]
    record = pages.service.store.get(filed.dossier.id)
    assert record.step == "received"
    attachments = pages.service.store.attachments(filed.dossier.id)
    assert [a.event_seq for a in attachments] == [1, 3]
    after = client.get(sent.headers["location"])
    assert "Đã thực hiện: Nộp bổ sung." in after.text


def test_an_applicant_withdraws_with_a_reason_kept_when_missing(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")
    client = pages.client("citizen-1")
    url = f"/dossiers/{filed.dossier.id}/actions/withdraw"
    missing = pages.post(client, url, {"version": "1", "withdraw.reason": ""})
    assert missing.status_code == 422
    assert "withdraw.reason" in HtmlPage(missing.text).inline_errors()
    done = pages.post(client, url, {"version": "1", "withdraw.reason": "Đổi kế hoạch"})
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    assert "Hồ sơ đã được rút." in page.text
    assert pages.service.store.get(filed.dossier.id).outcome is not None


def test_my_dossiers_lists_only_mine(pages: Pages) -> None:
    mine = pages.submit("BQP-NVQS-03", user="citizen-1")
    theirs = pages.submit("BQP-NVQS-03", user="citizen-2")
    page = pages.client("citizen-1").get("/dossiers")
    assert page.status_code == 200
    assert mine.dossier.number in page.text
    assert theirs.dossier.number not in page.text
    assert HtmlPage(page.text).h1 == "Hồ sơ của tôi"


def test_signing_in_and_out_with_the_development_backend(pages: Pages) -> None:
    client = pages.client()
    target = "/dossiers"
    redirect = client.get(target)
    assert redirect.status_code == 303
    login = client.get(redirect.headers["location"])
    assert login.status_code == 200
    wrong = pages.post(
        client, "/sign-in", {"username": "reception", "password": "sai", "next": target}
    )
    assert wrong.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in wrong.text
    right = pages.post(
        client, "/sign-in", {"username": "reception", "password": "mật khẩu đúng", "next": target}
    )
    assert right.status_code == 303
    assert right.headers["location"] == target
    assert client.get(target).status_code == 200
    evil = pages.post(
        client, "/sign-in", {"username": "reception", "password": "mật khẩu đúng", "next": "//evil"}
    )
    assert evil.headers["location"] == "/dossiers"
    out = pages.post(client, "/sign-out", {})
    assert out.status_code == 303
    assert client.get(target).status_code == 303


class TrackingService(DossierService):
    """A service that lets the holder of a tracking code act as the applicant
    (``TrackedActing``), the way an anonymous applicant answers a supplement request."""

    def _tracked(self, number: str, secret: str) -> tuple[str, User]:
        record = self.store.find_for_tracking(number, secret)
        if record is None:
            raise NotFound("no dossier with this number and secret")
        return str(record.id), User(f"~tracked:{record.id}")

    def actor(self, user: User, record: Any, spec: Any) -> Actor:
        if user.id == f"~tracked:{record.id}":
            return Actor(frozenset({"applicant"}))
        return super().actor(user, record, spec)

    def visible(self, dossier_id: Any, user: User | None) -> Any:
        if user is not None and user.id.startswith("~tracked:"):
            record = self.record(dossier_id)
            if user.id != f"~tracked:{record.id}":
                raise NotFound("no dossier")
            return record, self.compiled(record), False
        return super().visible(dossier_id, user)

    def tracked_actions(self, number: str, secret: str) -> Actions:
        dossier_id, user = self._tracked(number, secret)
        return self.available_actions(dossier_id, user)

    def act_tracked(
        self, number: str, secret: str, action: str, inputs: Any = None, **options: Any
    ) -> DossierView:
        dossier_id, user = self._tracked(number, secret)
        return self.act(dossier_id, action, user, inputs, **options)


def test_an_anonymous_applicant_answers_with_the_tracking_code(pages: Pages) -> None:
    service = pages.service
    tracking = TrackingService(service.registry, service.store, service.storage, clock=pages.clock)
    assert isinstance(tracking, TrackedActing)
    client = make_client(pages_only(tracking, pages.sessions), follow_redirects=False)
    filed = pages.submit("BQP-NVQS-03", user=None)
    pages.clock.advance(dt.timedelta(minutes=15))
    reception = User("reception", frozenset({"reception"}))
    service.act(filed.dossier.id, "request_supplement", reception, {"reason": "Thiếu bản chụp"})
    secret = quote(filed.tracking_secret)
    page = client.get(f"/track/{filed.dossier.number}?secret={secret}")
    assert page.status_code == 200
    forms = re.findall(r'action="(/track/[^"]+/actions/([a-z_]+))"', page.text)
    assert {name for _, name in forms} == {"supplement", "withdraw"}
    assert f'name="secret" value="{filed.tracking_secret}"' in page.text
    url = f"/track/{filed.dossier.number}/actions/supplement"
    token = client.cookies.get("procgen_csrf", "")
    wrong_code = client.post(
        url,
        data={"csrf_token": token, "secret": "AAAA-BBBB-CCCC", "version": "2"},
        files={"document-registration_certificate": sample_file(["pdf"])},
    )
    assert wrong_code.status_code == 404
    pages.clock.advance(dt.timedelta(hours=1))
    sent = client.post(
        url,
        data={"csrf_token": token, "secret": filed.tracking_secret, "version": "2"},
        files={"document-registration_certificate": sample_file(["pdf"])},
    )
    assert sent.status_code == 303, sent.text[:2000]
    assert service.store.get(filed.dossier.id).step == "received"
    after = client.get(sent.headers["location"])
    assert "Đã gửi." in after.text
    client.close()


def test_the_confirmation_links_to_the_printable_receipt(pages: Pages) -> None:
    spec = REGISTRY.get("BQP-NVQS-03").spec
    client = pages.client()
    driver = WizardDriver(client, spec, prefix="/dich-vu")
    driver.start()
    case = spec.effective_cases()[0]
    driver.fill(example_payload(spec, today=TODAY), documents=sample_documents(case.documents))
    confirmation = driver.send()
    [link] = [a for a in confirmation.find_all("a") if a.attrs["href"].startswith("../")]
    receipt = client.get(urljoin(confirmation.url, link.attrs["href"]))
    assert receipt.status_code == 200, receipt.text[:1000]
    page = HtmlPage(receipt.text)
    assert page.h1 == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    [record] = pages.service.store.worklist().items
    assert record.number in page.text()
    assert re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", page.text())  # the tracking code
    assert "16/04/2025" in page.text()
