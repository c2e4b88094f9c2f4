"""Task pages: a campaign's (or an event's) tasks, the form by the "5 rõ", my tasks and reports."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fieldops.accountability import tasks
from fieldops.accountability.task_forms import ReportForm, TaskForm
from fieldops.accountability.task_models import Task
from fieldops.accountability.views import bp
from fieldops.auth.login import role_required
from fieldops.auth.models import ORGANIZER
from fieldops.campaigns.models import Campaign
from fieldops.clock import LOCAL_TZ, now_utc
from fieldops.db import db
from fieldops.events.models import LaunchEvent
from fieldops.web import rules_flashed, rules_on


def _event_of(campaign: Campaign) -> LaunchEvent | None:
    event_id = request.args.get("event", type=int)
    if event_id is None:
        return None
    event = db.get_or_404(LaunchEvent, event_id)
    if event.campaign_id != campaign.id:
        abort(404)
    return event


@bp.get("/campaigns/<int:campaign_id>/tasks")
@login_required
def task_list(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    event = _event_of(campaign)
    return render_template("accountability/tasks.html", campaign=campaign, event=event,
                           tasks=tasks.campaign_tasks(campaign, event, current_user),
                           now=now_utc(),
                           title=_("Việc chuẩn bị: %(event)s", event=event.title) if event
                           else _("Nhiệm vụ theo “5 rõ”"))


@bp.get("/tasks/mine")
@login_required
def my_tasks():
    return render_template("accountability/tasks.html", campaign=None, event=None,
                           tasks=tasks.my_tasks(current_user), now=now_utc(),
                           title=_("Việc được giao cho tôi"))


def _task_form(campaign: Campaign, task: Task | None) -> TaskForm:
    form = TaskForm()
    form.unit.choices = [("", _("— Chọn đơn vị —"))] + tasks.unit_choices(campaign,
                                                                          current_user)
    form.person.choices = [("", _("— Chọn người —"))] + tasks.person_choices(current_user)
    if task is not None and not form.is_submitted():
        local = task.due_at.astimezone(LOCAL_TZ)
        form.title.data, form.expected_result.data = task.title, task.expected_result
        form.unit.data = (f"team:{task.team_id}" if task.team_id
                          else f"organisation:{task.organisation_id}")
        form.person.data = (f"member:{task.member_id}" if task.member_id
                            else f"user:{task.user_id}")
        form.due_day.data, form.due_time.data = local.date(), local.time()
    return form


@bp.route("/campaigns/<int:campaign_id>/tasks/new", methods=["GET", "POST"])
@role_required(ORGANIZER)
def new_task(campaign_id: int):
    campaign = db.get_or_404(Campaign, campaign_id)
    event = _event_of(campaign)
    form = _task_form(campaign, None)
    if not form.is_submitted() and event is not None:
        form.due_day.data = event.event_date
    if form.validate_on_submit():
        with rules_on(form):
            tasks.save_task(None, campaign=campaign, event=event, title=form.title.data,
                            unit_key=form.unit.data, person_key=form.person.data,
                            due_day=form.due_day.data, due_time=form.due_time.data,
                            expected_result=form.expected_result.data, by=current_user)
            flash(_("Đã giao việc."), "success")
            return redirect(url_for("accountability.task_list", campaign_id=campaign.id,
                                    event=event.id if event else None))
    return render_template("accountability/task_form.html", form=form, campaign=campaign,
                           event=event, task=None)


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@role_required(ORGANIZER)
def edit_task(task_id: int):
    task = db.get_or_404(Task, task_id)
    form = _task_form(task.campaign, task)
    if form.validate_on_submit():
        with rules_on(form):
            tasks.save_task(task, campaign=task.campaign, event=task.event,
                            title=form.title.data, unit_key=form.unit.data,
                            person_key=form.person.data, due_day=form.due_day.data,
                            due_time=form.due_time.data,
                            expected_result=form.expected_result.data, by=current_user)
            flash(_("Đã lưu việc."), "success")
            return redirect(url_for("accountability.task_detail", task_id=task.id))
    return render_template("accountability/task_form.html", form=form, campaign=task.campaign,
                           event=task.event, task=task)


@bp.route("/tasks/<int:task_id>", methods=["GET", "POST"])
@login_required
def task_detail(task_id: int):
    task = db.get_or_404(Task, task_id)
    may_report = tasks.can_report(current_user, task)
    form = ReportForm()
    if not form.is_submitted() and task.result_reported:
        form.result.data = task.result_reported
        form.done.data = task.done_at is not None
    if request.method == "POST":
        if not may_report:
            abort(403)
        if form.validate_on_submit():
            with rules_flashed() as outcome:
                tasks.report_result(task, user=current_user, result=form.result.data,
                                    done=form.done.data)
            if outcome.error is None:
                flash(_("Đã báo cáo kết quả."), "success")
                return redirect(url_for("accountability.task_detail", task_id=task.id))
    return render_template("accountability/task.html", task=task, form=form,
                           may_report=may_report)
