"""The `fieldops` command: demo, serve, accounts, and Flask's own commands."""

from __future__ import annotations

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
    from waitress import serve

    serve(app, host=host, port=port, threads=threads, ident="fieldops")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Load the demo data and stop.")
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool) -> None:
    """Create the database if needed, load the demo data and serve the app."""
    from fieldops.demo import DEMO_USERS, load_demo

    _upgrade_database()
    loaded = load_demo()
    db.session.commit()
    click.echo("Đã nạp dữ liệu mẫu." if loaded else "Dữ liệu mẫu đã có sẵn.")
    click.echo("Tài khoản dùng thử / demo logins:")
    for username, _name, phone, role, password in DEMO_USERS:
        click.echo(f"  {role:<10} {username:<11} (hoặc {phone})  mật khẩu: {password}")
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


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(create_user_command)


def main() -> None:
    """Entry point of the `fieldops` console script."""
    from fieldops import create_app

    FlaskGroup(create_app=create_app, name="fieldops", add_version_option=False)()
