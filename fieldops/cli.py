"""The `fieldops` command: demo, serve, accounts, and Flask's own commands."""

from __future__ import annotations

import signal
import threading

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from fieldops.db import db


def _upgrade_database() -> None:
    from flask_migrate import upgrade

    from fieldops.campaigns.services import ensure_builtin_services

    upgrade(directory=current_app.extensions["migrate"].directory)
    ensure_builtin_services()
    db.session.commit()


def _serve(app: Flask, host: str, port: int, threads: int) -> None:
    """Serve with waitress, with the task queue's worker threads beside it when embedded."""
    from waitress import serve

    from fieldops.tasks import running_consumer

    if threading.current_thread() is threading.main_thread():
        # A service manager stops us with SIGTERM: leave waitress's loop as Ctrl+C does, so
        # the worker threads are stopped cleanly below (waitress ends on SystemExit).
        signal.signal(signal.SIGTERM, _exit_on_signal)
    with running_consumer(app) as consumer:
        if consumer is not None:
            click.echo(f"Việc nền chạy trong tiến trình này ({app.config['TASK_WORKERS']} luồng).")
        serve(app, host=host, port=port, threads=threads, ident="fieldops")


def _exit_on_signal(signum, _frame) -> None:
    raise SystemExit(128 + signum)


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo data and stop.")
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create the database if needed, load the demo data and serve the app."""
    from fieldops.demo import DEMO_AREAS, DEMO_USERS, load_demo

    _upgrade_database()
    loaded = load_demo()
    db.session.commit()
    click.echo("Đã nạp dữ liệu mẫu." if loaded else "Dữ liệu mẫu đã có sẵn.")
    click.echo("Tài khoản dùng thử / demo logins:")
    for username, _name, phone, role, password in DEMO_USERS:
        area = (f"  · chỉ xã {DEMO_AREAS[username]} / {DEMO_AREAS[username]} only"
                if username in DEMO_AREAS else "")
        click.echo(f"  {role:<10} {username:<11} (hoặc {phone})  mật khẩu: {password}{area}")
    click.echo(f"Mở trình duyệt / open: http://{host}:{port}/")
    if not no_serve:
        _serve(current_app._get_current_object(), host, port, threads=8)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int, threads: int) -> None:
    """Bring the database up to date and serve with waitress (Windows and Linux)."""
    _upgrade_database()
    click.echo(f"fieldops: http://{host}:{port}/")
    _serve(current_app._get_current_object(), host, port, threads)


@click.command("worker")
@click.option("--workers", default=None, type=int,
              help="Worker threads (default: TASK_WORKERS).")
@with_appcontext
def worker_command(workers: int | None) -> None:
    """Run background jobs and schedules: with Redis, beside gunicorn's processes."""
    from fieldops.tasks.queue import worker_consumer

    app = current_app._get_current_object()
    click.echo(f"fieldops worker: {app.config['TASK_QUEUE_URL'] or 'instance/tasks.db'}")
    # Huey's own loop: Ctrl+C or SIGTERM stops it, a job cut short is marked failed.
    worker_consumer(app, workers).run()


@click.command("create-user")
@click.argument("username")
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice(["organizer", "team_lead", "volunteer"]),
              default="organizer", show_default=True)
@click.option("--phone", default=None)
@click.password_option()
@with_appcontext
def create_user_command(username, full_name, role, phone, password) -> None:
    """Create an account (the first organizer of a new install)."""
    from fieldops.auth import services
    from fieldops.campaigns.services import ensure_builtin_services
    from fieldops.errors import DomainError

    try:
        services.create_user(username, full_name, password, role, phone)
        ensure_builtin_services()
    except DomainError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {username}.")


@click.command("purge-personal-data")
@click.option("--dry-run", is_flag=True, help="Say what would be removed, remove nothing.")
@click.option("--campaign", "campaign_id", type=int, default=None, help="Only this campaign.")
@with_appcontext
def purge_personal_data_command(dry_run: bool, campaign_id: int | None) -> None:
    """Remove citizens' personal data of campaigns past their retention period."""
    from fieldops.drive import retention

    items = retention.due(campaign_id=campaign_id) if dry_run else retention.purge_due(
        campaign_id=campaign_id)
    if not items:
        click.echo("Không có dữ liệu cá nhân nào đến hạn xóa.")
    for item in items:
        c = item.counts
        verb = "Sẽ xóa" if dry_run else "Đã xóa"
        click.echo(
            f"{verb} dữ liệu cá nhân của chiến dịch #{item.campaign.id} “{item.campaign.title}” "
            f"(hết hạn lưu từ {item.due_on:%d/%m/%Y}): {c.registrations} hồ sơ đăng ký, "
            f"{c.listed_people} người trong danh sách, {c.households} hộ, {c.visits} lượt đến "
            f"nhà, {c.refusals} lượt gửi bị từ chối, {c.changes} dòng lịch sử.")
    if not dry_run:
        db.session.commit()


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(worker_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(purge_personal_data_command)


def main() -> None:
    """Entry point of the `fieldops` console script."""
    from fieldops import create_app

    FlaskGroup(create_app=create_app, name="fieldops", add_version_option=False)()
