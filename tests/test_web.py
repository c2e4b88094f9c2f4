"""The request's unit of work: one commit when a view returns, and one mapping of a DomainError."""

from __future__ import annotations

import pytest
from flask import abort, render_template_string, request
from flask_wtf import FlaskForm
from sqlalchemy import event
from wtforms import StringField

from fieldops.campaigns.models import Service
from fieldops.campaigns.services import add_service
from fieldops.db import db
from fieldops.errors import DomainError, NotFound
from fieldops.web import rules_flashed, rules_on

BROKEN = "Quy tắc thử bị vi phạm."


class ServicesForm(FlaskForm):
    name_vi = StringField()  # the field add_service names when it refuses a name
    other = StringField()


def stored_view():
    add_service("Thử lưu")
    return "ok"


def raising_view():
    add_service("Thử lỗi")
    raise RuntimeError("a bug after a change")


def aborting_view():
    add_service("Thử bỏ")
    abort(400)


def broken_view():
    add_service("Thử vi phạm")
    raise DomainError(BROKEN, "name_vi")


def missing_view():
    raise NotFound()


def missing_in_form_view():
    with rules_on(ServicesForm()):
        raise NotFound()
    return "shown on the form"


def form_view():
    form = ServicesForm()
    renamed = {"name_vi": "other"} if request.args.get("renamed") else None
    with rules_on(form, renamed=renamed, keep=bool(request.args.get("keep"))):
        add_service(form.name_vi.data)
        add_service(form.other.data)
        return "saved"
    page = "{{ form.name_vi.errors|join }}|{{ form.other.errors|join }}"
    return render_template_string(page, form=form), 422


def flashed_view():
    with rules_flashed():
        add_service("Thử nhắn")
        raise DomainError(BROKEN)
    return render_template_string("{{ get_flashed_messages()|join }}")


@pytest.fixture
def client(app):
    """A client of an app with tiny test-only views that use the unit of work as real ones do."""
    views = {"/t/stored": stored_view, "/t/raises": raising_view, "/t/aborts": aborting_view,
             "/t/broken": broken_view, "/api/t/broken": broken_view, "/t/missing": missing_view,
             "/api/t/missing": missing_view, "/t/missing-in-form": missing_in_form_view,
             "/t/form": form_view, "/t/flashed": flashed_view}
    for path, view in views.items():
        app.add_url_rule(path, path, view, methods=["GET", "POST"])
    return app.test_client()


def _stored(app) -> set[str]:
    with app.app_context():
        return set(db.session.execute(
            db.select(Service.name_vi).where(Service.name_vi.like("Thử%"))).scalars())


def test_a_view_that_returns_normally_stores_its_changes_with_one_commit(app, client):
    commits = []

    def count(connection):
        commits.append(connection)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "commit", count)
    try:
        assert client.post("/t/stored").get_data(as_text=True) == "ok"
    finally:
        event.remove(engine, "commit", count)
    assert len(commits) == 1
    assert _stored(app) == {"Thử lưu"}


def test_a_view_that_changes_data_then_fails_stores_nothing(app, client):
    with pytest.raises(RuntimeError):  # TESTING lets the bug through to the test
        client.post("/t/raises")
    assert client.post("/t/aborts").status_code == 400
    assert _stored(app) == set()


def test_an_unhandled_rule_sends_a_page_back_with_the_message_and_stores_nothing(app, client):
    answer = client.post("/t/broken", headers={"Referer": "http://localhost/sign-in"})
    assert answer.status_code == 303 and answer.location.endswith("/sign-in")
    assert BROKEN in client.get(answer.location).get_data(as_text=True)
    assert BROKEN not in client.get("/sign-in").get_data(as_text=True)  # shown once
    # A referrer from another site is not followed: the page is sent back to itself.
    elsewhere = client.post("/t/broken", headers={"Referer": "https://example.com/x"})
    assert elsewhere.status_code == 303 and elsewhere.location.endswith("/t/broken")
    assert _stored(app) == set()


def test_an_unhandled_rule_answers_the_api_with_a_json_problem(app, client):
    answer = client.post("/api/t/broken")
    assert answer.status_code == 422
    assert answer.get_json() == {"error": BROKEN, "field": "name_vi"}
    assert _stored(app) == set()


def test_rules_on_shows_the_rule_on_its_field_and_undoes_the_whole_block(app, client):
    saved = client.post("/t/form", data={"name_vi": "Thử A", "other": "Thử B"})
    assert saved.get_data(as_text=True) == "saved"
    # The second name is taken: the first, accepted one is undone too, though the view returns.
    answer = client.post("/t/form", data={"name_vi": "Thử C", "other": "Thử A"})
    assert answer.status_code == 422
    assert answer.get_data(as_text=True) == "Đã có dịch vụ “Thử A”.|"
    assert _stored(app) == {"Thử A", "Thử B"}


def test_rules_on_can_show_a_field_elsewhere_and_keep_what_a_refusal_recorded(app, client):
    answer = client.post("/t/form?renamed=1", data={"name_vi": "Thử D", "other": "Thử D"})
    assert answer.get_data(as_text=True) == "|Đã có dịch vụ “Thử D”."
    assert _stored(app) == set()
    answer = client.post("/t/form?keep=1", data={"name_vi": "Thử E", "other": "Thử E"})
    assert answer.get_data(as_text=True) == "Đã có dịch vụ “Thử E”.|"
    assert _stored(app) == {"Thử E"}


def test_rules_flashed_flashes_the_rule_and_undoes_the_block(app, client):
    assert client.post("/t/flashed").get_data(as_text=True) == BROKEN
    assert _stored(app) == set()


def test_not_found_from_a_service_answers_404_as_a_page_or_json(client):
    page = client.get("/t/missing")
    assert page.status_code == 404 and "Không tìm thấy" in page.get_data(as_text=True)
    api = client.get("/api/t/missing")
    assert api.status_code == 404 and api.get_json()["error"]
    assert client.post("/t/missing-in-form").status_code == 404  # never a form's message
