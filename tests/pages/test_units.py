"""The pages' view models without a server: labels, histories, action forms, filters, data."""

from __future__ import annotations

import datetime as dt
import doctest
import importlib

import pytest

from procgen.forms import default_field_types
from procgen.service import ActionChoice, Upload, User
from procgen.spec.models import Action, Channel, Field, NationalStatus, Option, Outcome
from procgen.spec.text import Text
from procgen.web.pages import pdf
from procgen.web.pages.actions import (
    action_fields,
    action_forms,
    denial_text,
    error_items,
    form_errors,
    parse_action_post,
)
from procgen.web.pages.context import data_rows, upload_views
from procgen.web.pages.dossier import DossierFile, step_timeliness
from procgen.web.pages.history import history_lines, next_step, tracking
from procgen.web.pages.labels import (
    action_label,
    channel_label,
    deadline_text,
    humanise,
    live_status_label,
    local_date,
    local_datetime,
    outcome_label,
    role_label,
    status_label,
    step_label,
    timeliness_label,
)
from procgen.web.pages.papers import available_papers, build_paper, long_date
from procgen.web.pages.routes import receipt_link
from procgen.web.pages.worklist import read_filters, worklist_query
from procgen.workflow import ActionOption, Deadlines, Denial, DenialCode, LiveStatus, Timeliness
from tests.pages.conftest import REGISTRY, T0, Pages

UAV = REGISTRY.get("BQP-UAV-01").spec
ABSENCE = REGISTRY.get("BQP-NVQS-03").spec


@pytest.mark.parametrize(
    "module", ["labels", "dossier", "papers", "history", "actions", "worklist", "routes"]
)
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"procgen.web.pages.{module}"))
    assert result.failed == 0


def test_labels_come_from_the_spec_with_words_for_the_rest() -> None:
    case = ABSENCE.effective_cases()[0]
    assert step_label(case, "review", "en") == "Review and confirm the absence"
    assert step_label(case, "no_such_step", "vi") == "No such step"
    assert action_label(case, "review", "confirm", "vi") == "Xác nhận tạm vắng"
    assert action_label(case, None, "submit", "en") == "Dossier submitted"
    assert action_label(case, "review", "on_expiry", "vi") == "Hết thời hạn"
    assert role_label(ABSENCE, "commander", "en") == "Commune military commander"
    assert role_label(ABSENCE, "applicant", "vi") == "Người nộp hồ sơ"
    assert role_label(ABSENCE, "system", "en") == "Automatic"
    assert role_label(ABSENCE, "ghost_role", "en") == "Ghost role"
    assert humanise("send_back") == "Send back"
    assert humanise("") == ""


@pytest.mark.parametrize("status", list(NationalStatus))
def test_every_national_status_and_outcome_has_words(status: NationalStatus) -> None:
    assert status_label(status, "vi")
    assert status_label(status, "en")
    assert status_label(status, "vi") != status_label(status, "en")


def test_words_for_outcomes_channels_badges_and_timeliness() -> None:
    for outcome in Outcome:
        assert outcome_label(outcome, "vi") != outcome_label(outcome, "en")
    assert outcome_label(None, "vi") == ""
    assert status_label(None, "vi") == ""
    assert channel_label(Channel.DIRECT, "vi") == "Trực tiếp"
    assert live_status_label(LiveStatus.OVERDUE, "vi") == "Quá hạn"
    assert live_status_label(None, "en") == ""
    assert timeliness_label(Timeliness.EARLY, "vi") == "Trước hạn"
    assert timeliness_label(None, "vi") == ""


def test_times_are_local_and_in_the_readers_format() -> None:
    evening = dt.datetime(2025, 6, 24, 18, 30, tzinfo=dt.UTC)  # 01:30 on the 25th in Hà Nội
    assert local_date(evening, "vi") == "25/06/2025"
    assert local_date(evening, "en") == "Jun 25, 2025"
    assert local_datetime(evening, "vi") == "01:30 25/06/2025"
    assert local_datetime(evening, "en") == "25 Jun 2025, 01:30"
    assert local_date(None, "vi") == local_datetime(None, "en") == ""
    assert long_date(evening, "vi") == "ngày 25 tháng 06 năm 2025"
    assert long_date(evening, "en") == "25 June 2025"


def test_deadlines_in_words_match_the_start_page() -> None:
    case = UAV.effective_cases()[0]
    assert deadline_text(case.deadline, "vi") == "7 ngày làm việc"
    assert deadline_text(case.deadline, "en") == "7 working days"
    assert deadline_text(None, "vi") == ""
    admissions = REGISTRY.get("BQP-TSQS-01").spec.effective_cases()[0]
    assert deadline_text(admissions.deadline, "vi") == ""  # a fixed date, not a duration


def test_a_step_is_late_after_its_due_instant_even_on_the_same_day() -> None:
    rules = Deadlines()
    due = dt.datetime(2025, 4, 15, 9, 0, tzinfo=dt.UTC)  # 16:00 in Hà Nội
    assert step_timeliness(rules, due - dt.timedelta(days=1), due) is Timeliness.EARLY
    assert step_timeliness(rules, due - dt.timedelta(hours=1), due) is Timeliness.ON_TIME
    assert step_timeliness(rules, due, due) is Timeliness.ON_TIME
    assert step_timeliness(rules, due + dt.timedelta(minutes=1), due) is Timeliness.LATE


def _choice(
    action: Action, *, allowed: bool = True, code: DenialCode | None = None
) -> ActionChoice:
    denial = Denial(code, "why not") if code is not None else None
    fields = action_fields(action)
    return ActionChoice(
        ActionOption(action.id, action.to, "commander", allowed, denial, fields), action
    )


def test_action_forms_use_the_wizard_widgets_with_prefixed_ids() -> None:
    case = ABSENCE.effective_cases()[0]
    review = next(s for s in case.steps if s.id == "review")
    actions = {a.id: a for a in review.actions}
    choices = [
        _choice(actions["confirm"]),
        _choice(actions["refuse"]),
        _choice(actions["apologise"], allowed=False, code=DenialCode.RESCHEDULE_NOT_ALLOWED),
    ]
    forms = action_forms(
        choices,
        case,
        code=ABSENCE.code,
        locale="vi",
        field_type=default_field_types().get,
        values={"refuse.reason": ["đã gõ"]},
        errors={("refuse", "reason"): "Vui lòng nhập", ("confirm",): "Không được"},
    )
    confirm, refuse, apologise = forms
    assert confirm.fields == []
    assert confirm.errors == ["Không được"]
    assert confirm.open is True
    assert confirm.target == "Đã có kết quả"
    assert [f.id for f in refuse.fields] == ["refuse.reason"]
    assert refuse.fields[0].value == "đã gõ"
    assert refuse.fields[0].error == "Vui lòng nhập"
    assert refuse.warning is True
    assert refuse.dom_id == "action-refuse"
    assert apologise.allowed is False
    assert apologise.fields == []
    assert "một ngày làm việc" in apologise.reason


def test_denials_have_words_for_every_code_but_the_silent_ones() -> None:
    for code in DenialCode:
        text = denial_text(code, "en")
        if code in (DenialCode.WRONG_ROLE, DenialCode.UNKNOWN_ACTION):
            assert text == ""  # never shown: those actions are not listed
        else:
            assert text
    assert denial_text(None, "vi") == ""


def test_an_action_post_is_read_into_inputs_files_and_errors() -> None:
    action = Action(
        id="decide",
        to="done",
        requires=("decision_number", "decision_date", "result_document", "note"),
        inputs=(
            Field(id="urgent", type="boolean", label=Text(vi="Khẩn")),
            Field(id="copies", type="integer", label=Text(vi="Số bản")),
            Field(
                id="grade",
                type="choice",
                label=Text(vi="Loại"),
                options=(Option(value="1", label=Text(vi="Một")),),
            ),
        ),
    )
    upload = ("upload:decide.result_document", _upload("qd.pdf", b"%PDF-1.4"))
    post = parse_action_post(
        action,
        [
            ("version", "7"),
            ("decide.decision_number", "15/QĐ-BCH"),
            ("decide.decision_date", "13/03/2026"),
            ("decide.note", "   "),
            ("decide.urgent", "false"),
            ("decide.urgent", "true"),
            ("decide.copies", "1.000"),
            ("decide.grade", "1"),
            ("other.reason", "not mine"),
        ],
        [upload, ("upload:decide.result_document", _upload("empty.pdf", b""))],
        "vi",
    )
    assert post.version == 7
    assert post.errors == {}
    assert post.inputs == {
        "decision_number": "15/QĐ-BCH",
        "decision_date": "2026-03-13",
        "urgent": True,
        "copies": 1000,
        "grade": "1",
    }
    assert [u.filename for u in post.files["result_document"]] == ["qd.pdf"]
    assert "other.reason" not in post.values


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("decision_date", "30/02/2026"),
        ("decision_date", "mai"),
        ("urgent", "maybe"),
        ("copies", "x"),
    ],
)
def test_unreadable_inputs_are_field_errors_in_the_users_language(name: str, text: str) -> None:
    action = Action(
        id="decide",
        to="done",
        requires=("decision_date",),
        inputs=(
            Field(id="urgent", type="boolean", label=Text(vi="Khẩn", en="Urgent")),
            Field(id="copies", type="integer", label=Text(vi="Số bản", en="Copies")),
        ),
    )
    post = parse_action_post(action, [(f"decide.{name}", text), ("version", "x")], [], "en")
    assert post.version is None
    assert list(post.errors) == [("decide", name)]
    assert "“" in post.errors[("decide", name)]
    assert name not in post.inputs


def test_service_errors_become_form_errors_and_a_summary() -> None:
    errors = form_errors(
        "refuse",
        {("inputs", "reason"): "Nhập lý do", ("documents", "map", 0): "Sai loại tệp", (): "Lỗi"},
    )
    assert errors == {
        ("refuse", "reason"): "Nhập lý do",
        ("documents", "map", 0): "Sai loại tệp",
        ("refuse",): "Lỗi",
    }
    items = error_items(errors)
    assert [i.href for i in items] == ["#refuse.reason", "#document-map", "#action-refuse"]


def test_worklist_filters_keep_only_what_the_officer_can_use() -> None:
    officer = User("an", frozenset({"reception", "commander"}))
    filters = read_filters(
        {
            "procedure": "BQP-NVQS-03",
            "step": "review",
            "role": "approver",
            "status": "x",
            "page": "-3",
        },
        officer,
        REGISTRY,
        "vi",
    )
    assert (filters.procedure, filters.step, filters.role, filters.status) == (
        "BQP-NVQS-03",
        "review",
        None,
        None,
    )
    assert filters.page == 1
    assert filters.active
    assert {c.value for c in filters.procedures} >= {"BQP-NVQS-03", "BQP-UAV-01", "BQP-KN-01"}
    assert {c.value for c in filters.steps} == {"received", "review", "result_ready"}
    assert {c.value for c in filters.roles} == {"reception", "commander"}
    unknown = read_filters({"procedure": "NOPE", "page": "9" * 20}, officer, REGISTRY, "en")
    assert unknown.procedure is None
    assert unknown.page == 1
    citizen = read_filters({}, User("citizen-1"), REGISTRY, "vi")
    assert citizen.procedures == ()
    query = worklist_query(
        read_filters({"status": "due_soon"}, officer, REGISTRY, "vi"), Deadlines(), T0
    )
    assert query.due_before is not None
    assert query.due_before > T0
    assert worklist_query(
        read_filters({"status": "overdue"}, officer, REGISTRY, "vi"), Deadlines(), T0
    ).overdue


def test_data_rows_follow_the_form_with_groups_and_list_items() -> None:
    data = {
        "applicant_type": "individual",
        "applicant": {"full_name": "Nguyễn Văn An", "phone": "+84912345678"},
        "pilots": [{"full_name": "Phạm Thu Dung"}, {"full_name": "Lê Văn Bình"}],
        "max_altitude_m": 100,
        "not_a_field": "ignored",
    }
    rows = data_rows(UAV, data, "en")
    keys = [(r.key, r.heading, r.depth) for r in rows]
    assert ("Pilots: item 2", True, 0) in keys
    assert ("Full name", False, 1) in keys
    assert all("ignored" not in r.lines for r in rows)
    assert next(r for r in rows if r.key.startswith("Maximum flight altitude")).lines == ("100",)


def test_upload_views_describe_each_document() -> None:
    documents = UAV.effective_cases()[0].documents
    views = upload_views(documents, {("documents", "flight_area_map", 0): "Sai loại tệp"}, "vi")
    by_id = {v.id: v for v in views}
    assert by_id["document-flight_area_map"].error == "Sai loại tệp"
    assert by_id["document-application"].error is None
    assert "PDF" in by_id["document-application"].hint
    assert ".pdf" in by_id["document-application"].accept


def test_the_receipt_link_is_relative_to_the_confirmation_page(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")
    link = receipt_link("/dich-vu")(filed)
    assert link.startswith("../../../../track/")
    deeper = receipt_link("/a/b/")(filed)
    assert deeper.startswith("../../../../../track/")
    assert filed.tracking_secret.replace("-", "") in link.replace("-", "")


def test_histories_hide_officers_notes_from_the_applicant(pages: Pages) -> None:
    filed = pages.submit("BQP-UAV-01")
    service = pages.service
    service.act(filed.dossier.id, "accept", User("reception", frozenset({"reception"})))
    head = User("head_of_staff", frozenset({"head_of_staff"}))
    service.act(filed.dossier.id, "assign", head, {"note": "Giao đồng chí B"})
    file = _file(pages, filed.dossier.id, head)
    officer = history_lines(file, "vi", officer=True)
    applicant = history_lines(file, "vi", officer=False)
    assert ("Ghi chú", "Giao đồng chí B") in officer[-1].details
    assert applicant[-1].details == ()
    assert officer[-1].who.startswith("head_of_staff")
    assert applicant[-1].who == ""
    case = UAV.effective_cases()[0]
    expected = ["Nộp hồ sơ", action_label(case, "reception", "accept", "vi")]
    assert [line.what for line in officer] == [
        *expected,
        action_label(case, "assignment", "assign", "vi"),
    ]
    assert officer[0].files


@pytest.mark.parametrize(
    ("action", "inputs", "kind", "words"),
    [
        ("request_supplement", {"reason": "Thiếu"}, "supplement", "cần bạn bổ sung"),
        ("reject", {"reason": "Sai"}, "ended", "không được tiếp nhận"),
        ("accept", {}, "wait", "đang xử lý"),
    ],
)
def test_what_the_applicant_must_do_now(
    pages: Pages, action: str, inputs: dict[str, str], kind: str, words: str
) -> None:
    filed = pages.submit("BQP-UAV-01")
    reception = User("reception", frozenset({"reception"}))
    pages.service.act(filed.dossier.id, action, reception, inputs)
    file = _file(pages, filed.dossier.id, reception)
    step = next_step(file, "vi")
    assert step.kind == kind
    assert words in step.message
    assert step.reason == inputs.get("reason", "")
    if kind == "supplement":
        assert step.respond_by  # the supplement must come before the first day of flight
    page = tracking(file, "vi")
    assert page.number == filed.dossier.number
    assert page.next == step


def test_a_ready_result_and_a_returned_one(pages: Pages) -> None:
    filed = pages.submit("BQP-NVQS-03")
    service = pages.service
    reception = User("reception", frozenset({"reception"}))
    service.act(filed.dossier.id, "accept", reception)
    service.act(filed.dossier.id, "confirm", User("commander", frozenset({"commander"})))
    ready = next_step(_file(pages, filed.dossier.id, reception), "en")
    assert ready.kind == "collect"
    service.act(filed.dossier.id, "return_result", reception)
    done = _file(pages, filed.dossier.id, reception)
    assert next_step(done, "en").kind == "ended"
    assert [p.form for p in available_papers(done, "vi")] == ["01", "05"]
    control = build_paper(done, "05", "en")
    assert control is not None
    assert control.details["overall"] == "Early"  # finished on the day of receipt


def test_pdf_papers_need_weasyprint() -> None:
    if pdf.weasyprint_available():  # pragma: no cover - depends on the environment
        pytest.skip("WeasyPrint is installed")
    from starlette.responses import HTMLResponse

    response = pdf.pdf_response(HTMLResponse("<p>x</p>"), "x.pdf", base_url="http://x/")
    assert response.status_code == 501
    assert b"procgen[pdf]" in response.body


def _upload(name: str, data: bytes) -> Upload:
    return Upload(name, data)


def _file(pages: Pages, dossier_id: object, user: User) -> DossierFile:
    service = pages.service
    view = service.get(dossier_id, user)  # type: ignore[arg-type]
    return DossierFile(
        spec=view.spec,
        record=view.record,
        events=service.events(dossier_id, user),  # type: ignore[arg-type]
        attachments=view.attachments,
        deadlines=service.deadlines,
        now=pages.clock.now(),
    )
