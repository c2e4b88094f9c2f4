"""Benchmark importing the police's daily list of Hưng Hà's 225,208 people aged 14+ (SQLite, PG).

    .venv/bin/python benchmarks/bench_drive_lists.py [--rows 225208] [--xlsx] [--sqlite-only]
                                                     [--postgresql-only] [--pg URL]

In-process, as a background job will run it: the 35 communes of plan 60/KH-TCTĐA-CA with eight
hamlets each, one campaign, and a CSV list (two title rows above the header, a Xã/Phường column)
of --rows people, spread over the communes by their population aged 14+. Timed:
- raw: the same person and entry rows the import stores, written by the driver's own
  executemany and committed, into the same tables of the same database (then deleted): what
  the database itself needs;
- import: parse (read, hash and encrypt every ID) + plan (compare with the stored people and
  the previous list) + apply (write) + commit, day 1 (everyone new);
- day 2 (5 % gone, 2 % new) and day 3 (4 % more gone, 2 % of day 2's gone back, 1 % new): the
  import with its day-to-day comparison; then the comparison page's first page of "gone".
The ratio is import rows/s over raw rows/s (target >= 0.50). Peak memory is the process's
maximum resident size after each step (ru_maxrss). Not a test; a table and one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from clients import scratch_postgresql

ROOT = Path(__file__).resolve().parent.parent
HAMLETS = 8
KIND = "approved_not_activated"
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương")
MIDDLE = ("Văn", "Thị", "Đức", "Ngọc", "Minh", "Thanh", "Hữu", "Quang", "Thu", "Xuân")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo",
         "Thắng", "Trang", "Tuấn", "Việt", "Yến")


def _people(rows: int, communes: list[str]) -> list[tuple]:
    """Return (id, name, birth, gender, phone, commune, hamlet) for `rows` distinct people."""
    from fieldops.demo import HUNG_HA_COMMUNES

    total = sum(p for _, p in HUNG_HA_COMMUNES)
    shares = [max(1, round(rows * p / total)) for _, p in HUNG_HA_COMMUNES]
    shares[-1] += rows - sum(shares)
    rng = random.Random(60)
    people = []
    for commune, share in zip(communes, shares, strict=True):
        for _ in range(share):
            n = len(people)
            year = 1940 + n % 70
            female = rng.random() < 0.5
            century = (0 if year < 2000 else 2) + female
            number = f"034{century}{year % 100:02d}{n // 70:06d}"
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            people.append((number, name, f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
                           f"{year}", "Nữ" if female else "Nam", f"09{n:08d}", commune,
                           f"Thôn {n % HAMLETS + 1}"))
    return people


def _csv(people: list[tuple], day: date) -> bytes:
    lines = [f"DANH SÁCH CÔNG DÂN ĐÃ ĐƯỢC DUYỆT HỒ SƠ, CHƯA KÍCH HOẠT NGÀY {day:%d/%m/%Y}\n",
             "Huyện Hưng Hà, tỉnh Thái Bình\n", "\n",
             "STT,Họ và tên,Ngày sinh,Giới tính,Số định danh cá nhân,Số điện thoại,Nơi thường trú,"
             "Thôn/Ấp/Tổ,Xã/Phường,Trạng thái\n"]
    lines += [f"{i},{name},{birth},{gender},{number},{phone},\"{hamlet}, xã {commune}, huyện Hưng "
              f"Hà\",{hamlet},{commune},Chưa kích hoạt\n"
              for i, (number, name, birth, gender, phone, commune, hamlet)
              in enumerate(people, start=1)]
    return "".join(lines).encode()


def _xlsx(people: list[tuple], day: date) -> bytes:
    """The same list as Excel saves it: IDs as numbers (leading zero dropped), dates as dates."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append([f"DANH SÁCH CÔNG DÂN CHƯA KÍCH HOẠT NGÀY {day:%d/%m/%Y}"])
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại",
                  "Thôn/Ấp/Tổ", "Xã/Phường", "Trạng thái"])
    for i, (number, name, birth, gender, phone, commune, hamlet) in enumerate(people, start=1):
        d, m, y = map(int, birth.split("/"))
        sheet.append([i, name, datetime(y, m, d), gender, int(number), phone, hamlet, commune,
                      "Chưa kích hoạt"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _days(people: list[tuple], rows: int, communes: list[str]) -> list[list[tuple]]:
    """Day 1: everyone; day 2: 5 % gone, 2 % new; day 3: 4 % more gone, 2 % back, 1 % new."""
    extra = _people(rows // 20, communes)
    extra = [(f"0341{p[0][4:6]}9{p[0][7:]}", *p[1:]) for p in extra]  # other numbers
    rng = random.Random(3)
    gone2 = set(rng.sample(range(len(people)), len(people) * 5 // 100))
    day2 = [p for i, p in enumerate(people) if i not in gone2] + extra[:rows * 2 // 100]
    gone3 = set(rng.sample(range(len(day2)), len(day2) * 4 // 100))
    back = [people[i] for i in sorted(gone2)[: rows * 2 // 100]]
    day3 = ([p for i, p in enumerate(day2) if i not in gone3] + back
            + extra[rows * 2 // 100: rows * 3 // 100])
    return [people, day2, day3]


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _setup(url: str, rounds: int):
    from fieldops import create_app
    from fieldops.areas import services as areas
    from fieldops.areas.models import HAMLET
    from fieldops.auth import services as accounts
    from fieldops.auth.models import ORGANIZER
    from fieldops.campaigns import services as campaigns
    from fieldops.db import db
    from tests.factories.areas import hung_ha

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
        campaigns.ensure_builtin_services()
        communes = hung_ha()
        for commune in communes:
            for n in range(1, HAMLETS + 1):
                areas.save_area(None, level=HAMLET, name=f"{n}", kind="thon", parent=commune)
        made = [campaigns.save_campaign(
            None, title=title, start_date=date(2023, 6, 20), end_date=date(2023, 9, 20),
            plan_number=None, communes=communes, services=[]).id
            for title in ("Hưng Hà 90 ngày", "Baseline",
                          *(f"Vòng {n}" for n in range(2, rounds + 1)))]
        user = accounts.create_user("bench", "Bench", "bench-lists-2025", ORGANIZER)
        db.session.commit()
        return app, made, user.id, [c.name for c in communes]


def _import(app, campaign_id: int, user_id: int, filename: str, content: bytes,
            day: date) -> dict:
    from fieldops.auth.models import User
    from fieldops.db import db
    from fieldops.drive.lists import POLICE_LIST

    scope = {"campaign_id": campaign_id, "kind": KIND, "list_day": day.isoformat(),
             "commune_id": None, "mapping": {}}

    class Upload:  # what apply reads of a staged upload
        pass

    upload = Upload()
    upload.scope, upload.filename = scope, filename
    with app.test_request_context():
        gc.collect()
        gc.disable()  # as uploads.staging does around parse, plan and apply
        try:
            started, cpu = time.perf_counter(), time.process_time()
            parsed = POLICE_LIST.parse(filename, content, scope)
            assert not parsed.problems, [str(p.message) for p in parsed.problems[:3]]
            parsed_at = time.perf_counter()
            plan = POLICE_LIST.plan(parsed.data, scope)
            assert not plan.problems, [str(p.message) for p in plan.problems[:3]]
            planned_at = time.perf_counter()
            message = str(POLICE_LIST.apply(plan, upload, db.session.get(User, user_id), {}))
            db.session.commit()
            done, cpu = time.perf_counter(), time.process_time() - cpu
        finally:
            gc.enable()
        rows = len(parsed.data["rows"])
        db.session.remove()
    return {"rows": rows, "parse_s": round(parsed_at - started, 3),
            "plan_s": round(planned_at - parsed_at, 3), "apply_s": round(done - planned_at, 3),
            "import_s": round(done - started, 3), "rows_per_s": round(rows / (done - started)),
            "cpu_s": round(cpu, 3),
            "maxrss_mb": round(_maxrss_mb()), "message": message, "_data": parsed.data}


def _raw(app, baseline_id: int, data: dict) -> dict:
    """Write the import's person and entry rows with the driver's executemany; undo it."""
    from fieldops.db import db

    with app.app_context():
        engine = db.engine
        sqlite = engine.dialect.name == "sqlite"
        mark = "?" if sqlite else "%s"
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            commune = db.session.execute(db.text(
                "SELECT area_id FROM campaign_commune LIMIT 1")).scalar()
            cursor.execute(f"INSERT INTO police_list (campaign_id, commune_id, kind, list_day, "
                           f"file_sha256, filename, row_count, new_count, still_count, back_count,"
                           f" gone_count, created_at) VALUES ({', '.join([mark] * 12)})",
                           (baseline_id, commune, KIND, "2023-06-20" if sqlite else date(
                               2023, 6, 20), "raw", "raw", 0, 0, 0, 0, 0,
                            datetime.now(UTC).isoformat() if sqlite else datetime.now(UTC)))
            cursor.execute("SELECT max(id) FROM police_list")
            list_id = cursor.fetchone()[0]
            cursor.execute("SELECT coalesce(max(id), 0) FROM listed_person")
            first_id = cursor.fetchone()[0] + 1_000_000
            day = "2023-06-20" if sqlite else date(2023, 6, 20)
            now = datetime.now(UTC)
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else now
            people = [(first_id + i, baseline_id, r[1], r[2], r[3], r[4], r[5],
                       r[6] if sqlite or not r[6] else date.fromisoformat(r[6]), r[7], r[8],
                       r[9], r[10], commune, None, list_id, KIND, day, day, 0, stamp)
                      for i, r in enumerate(data["rows"])]
            entries = [(list_id, first_id + i, r[0], "new", 1, r[13])
                       for i, r in enumerate(data["rows"])]
            started, cpu = time.perf_counter(), time.process_time()
            cursor.executemany(
                "INSERT INTO listed_person (id, campaign_id, citizen_id_hash, citizen_id_last4, "
                "citizen_id_encrypted, full_name, name_folded, birth_date, birth_year, gender, "
                "phone, address, commune_id, hamlet_id, on_list_id, kind, first_listed_on, "
                f"last_listed_on, absences, created_at) VALUES ({', '.join([mark] * 20)})",
                people)
            cursor.executemany(
                "INSERT INTO list_entry (list_id, person_id, row_number, change, days_on_list, "
                f"status_text) VALUES ({', '.join([mark] * 6)})", entries)
            connection.commit()
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            cursor.execute(f"DELETE FROM police_list WHERE id = {mark}", (list_id,))
            cursor.execute(f"DELETE FROM listed_person WHERE campaign_id = {mark}", (baseline_id,))
            connection.commit()
        finally:
            connection.close()
    return {"raw_s": round(seconds, 3), "raw_cpu_s": round(cpu, 3),
            "raw_rows_per_s": round(len(people) / seconds)}


def _gone_page(app, campaign_id: int) -> dict:
    from fieldops.db import db
    from fieldops.drive.compare import GONE, entries_query, page_of
    from fieldops.drive.models import PoliceList

    with app.app_context():
        latest = db.session.execute(db.select(PoliceList).where(
            PoliceList.campaign_id == campaign_id).order_by(PoliceList.list_day.desc(),
                                                            PoliceList.row_count.desc())).scalar()
        started = time.perf_counter()
        rows, total = page_of(entries_query(latest, GONE, None), 1, 50)
        seconds = time.perf_counter() - started
        db.session.remove()
    return {"gone_page_ms": round(seconds * 1000, 1), "gone_in_commune": total}


def _today_page(app, campaign_id: int, user_id: int, people: int = 40) -> dict:
    """Time the member's "Danh sách hôm nay" with every listed person in the campaign, against
    the app's lightest page (/healthz) in the same run: medians of 7."""
    from fieldops.clock import local_today
    from fieldops.db import db
    from fieldops.drive.models import ListedPerson
    from fieldops.teams.models import Member, Organisation

    with app.app_context():
        org = Organisation(name="Đoàn Thanh niên", name_folded="doan thanh nien bench",
                           kind="youth_union")
        db.session.add(org)
        db.session.flush()
        member = Member(full_name="Bench", phone="0912999888", organisation_id=org.id,
                        user_id=user_id)
        db.session.add(member)
        db.session.flush()
        chosen = db.select(ListedPerson.id).where(
            ListedPerson.campaign_id == campaign_id, ListedPerson.on_list_id.is_not(None),
            ListedPerson.gone_on.is_(None)).order_by(ListedPerson.id).limit(people)
        db.session.execute(db.update(ListedPerson).where(ListedPerson.id.in_(
            db.session.execute(chosen).scalars().all())).values(
            assignee_id=member.id, due_date=local_today()))
        db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"username": "bench", "password": "bench-lists-2025"})

    def median_ms(path: str) -> tuple[float, bytes]:
        times, body = [], b""
        for _ in range(7):
            started = time.perf_counter()
            answer = client.get(path)
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200, (path, answer.status_code)
            body = answer.data
        return round(statistics.median(times) * 1000, 1), body

    today_ms, body = median_ms("/drive/today")
    assert body.count("Mở phiếu ghi nhận".encode()) >= 1, "the member's list is empty"
    health_ms, _ = median_ms("/healthz")
    return {"today_page_ms": today_ms, "healthz_ms": health_ms, "today_people": people}


def bench_database(label: str, url: str, args) -> dict:
    """Day 1 and the baseline, alternated for --rounds rounds (a campaign each, medians), then
    days 2 and 3 of the first campaign, on one database."""
    app, campaigns, user_id, communes = _setup(url, args.rounds)
    campaign_id, baseline_id = campaigns[0], campaigns[1]
    with app.app_context():
        people = _people(args.rows, communes)
    days = _days(people, args.rows, communes)
    result: dict = {"db": label, "days": [], "rounds": []}
    first = date(2023, 6, 20)
    content, name = ((_xlsx(days[0], first), "danh-sach.xlsx") if args.xlsx
                     else (_csv(days[0], first), "danh-sach.csv"))
    for number in range(args.rounds):
        # Alternated, so that a load from elsewhere on the machine falls on both alike.
        target = campaign_id if number == 0 else campaigns[number + 1]
        step = _import(app, target, user_id, name, content, first)
        data = step.pop("_data")
        step.update(_raw(app, baseline_id, data))
        step["ratio"] = round(step["rows_per_s"] / step["raw_rows_per_s"], 2)
        step["cpu_ratio"] = round(step["raw_cpu_s"] / step["cpu_s"], 2)
        result["rounds"].append(step)
        del data
    for key in ("import_s", "cpu_s", "raw_s", "raw_cpu_s", "ratio", "cpu_ratio"):
        result[key] = statistics.median(r[key] for r in result["rounds"])
    day1 = dict(result["rounds"][0])
    day1["file_mb"] = round(len(content) / 1024 / 1024, 1)
    result["days"].append(day1)
    for number, listed in enumerate(days[1:], start=2):
        day = date(2023, 6, 19 + number)
        content = _csv(listed, day)
        step = _import(app, campaign_id, user_id, "danh-sach.csv", content, day)
        step.pop("_data")
        step["file_mb"] = round(len(content) / 1024 / 1024, 1)
        result["days"].append(step)
    result.update(_gone_page(app, campaign_id))
    result.update(_today_page(app, campaign_id, user_id))
    result["maxrss_mb"] = round(_maxrss_mb())
    with app.app_context():
        from fieldops.db import db
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=225_208)
    parser.add_argument("--rounds", type=int, default=3, help="day-1 imports and raw writes")
    parser.add_argument("--xlsx", action="store_true", help="day 1 as an Excel file")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgresql-only", action="store_true")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL database to connect to for CREATE DATABASE")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-lists-") as tmp:
        os.environ["FIELDOPS_INSTANCE_PATH"] = tmp
        if not args.postgresql_only:
            results.append(bench_database("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args))
        if not args.sqlite_only:
            with scratch_postgresql(args.pg) as url:
                results.append(bench_database("postgresql", url, args))
    _print(results, args)
    print(json.dumps({"benchmark": "drive_lists", "rows": args.rows, "xlsx": args.xlsx,
                      "rounds": args.rounds,
                      "elapsed_s": round(time.monotonic() - started, 1), "results": results},
                     separators=(",", ":"), ensure_ascii=False))


def _print(results: list[dict], args) -> None:
    print(f"\n{args.rows} people; day 1 (everyone new) against the raw executemany of the same "
          f"rows, {args.rounds} rounds alternated, medians; ratio = import rows/s / raw rows/s "
          f"(target >= 0.50); cpu ratio = raw CPU s / import CPU s (this process only: the whole "
          f"work on SQLite, the client's share on PostgreSQL)")
    print(f"{'db':<11}{'import s':>9}{'raw s':>7}{'ratio':>7}{'cpu s':>7}{'raw cpu':>8}"
          f"{'cpu ratio':>10}   rounds' ratios")
    for r in results:
        ratios = ", ".join(f"{x['ratio']:.2f}" for x in r["rounds"])
        print(f"{r['db']:<11}{r['import_s']:>9.2f}{r['raw_s']:>7.2f}{r['ratio']:>7.2f}"
              f"{r['cpu_s']:>7.2f}{r['raw_cpu_s']:>8.2f}{r['cpu_ratio']:>10.2f}   {ratios}")
    print(f"\nthe three days of one campaign\n{'db':<11}{'day':>4}{'rows':>8}{'MB':>6}"
          f"{'parse s':>9}{'plan s':>8}{'apply s':>9}{'import s':>10}{'rows/s':>9}{'RSS MB':>8}")
    for r in results:
        for number, d in enumerate(r["days"], start=1):
            print(f"{r['db']:<11}{number:>4}{d['rows']:>8}{d['file_mb']:>6.1f}{d['parse_s']:>9.2f}"
                  f"{d['plan_s']:>8.2f}{d['apply_s']:>9.2f}{d['import_s']:>10.2f}"
                  f"{d['rows_per_s']:>9}{d['maxrss_mb']:>8}")
            print(f"{'':<15}{d['message']}")
        print(f"{r['db']:<11}comparison page, first 50 gone of one commune: "
              f"{r['gone_page_ms']} ms ({r['gone_in_commune']} gone); peak RSS {r['maxrss_mb']} MB")
        print(f"{r['db']:<11}member's today page ({r['today_people']} people of "
              f"{args.rows} in the campaign): {r['today_page_ms']} ms; /healthz "
              f"{r['healthz_ms']} ms in the same run")


if __name__ == "__main__":
    main()
