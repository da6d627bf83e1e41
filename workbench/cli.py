"""The ``workbench`` command."""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import i18n
from .files import make_private, private_folder, private_umask
from .paths import data_dir, notebooks_dir
from .store.connection import apply_migrations, default_path, open_db


def build_parser() -> argparse.ArgumentParser:
    """The ``workbench`` command's parser (tests walk its subcommands)."""
    parser = argparse.ArgumentParser(prog="workbench", description="Assessment workbench for case management.")
    sub = parser.add_subparsers(dest="command", required=True)
    migrate = sub.add_parser("migrate", help="create the database or bring its schema up to date")
    migrate.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    check = sub.add_parser("check", help="verify the audit chain, the records' hashes, the triggers and the "
                                         "files' permissions; exits 1 when the record cannot be trusted")
    check.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db), "
                                                             "or a backup copy (its manifest beside it)")
    backup = sub.add_parser("backup", help="make a consistent copy of the live database, with a manifest (sha256, "
                                           "the audit chain's head), into the backup folder; old copies rotated",
                            description="Safe while staff save (SQLite's online backup API). See the README's "
                                        "'Backups'. The audit row names the OS account: os:NAME.")
    backup.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    backup.add_argument("--folder", type=Path, default=None,
                        help="backup folder (default: the configuration's backup.folder, else backups/ beside the "
                             "database)")
    restore = sub.add_parser("restore", help="put a backup copy back after checking it; the current database is "
                                             "kept aside under a dated name",
                             description="Refuses a damaged copy, one that does not match its manifest, a copy of "
                                         "another database and a database another process has open (stop the "
                                         "service first). See the README's 'Backups'.")
    restore.add_argument("backup_file", type=Path, metavar="BACKUP_FILE", help="a copy made by `workbench backup`")
    restore.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    demo = sub.add_parser("demo", help="write a synthetic demo database")
    demo.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    demo.add_argument("--households", type=int, default=240, help="number of families")
    demo.add_argument("--replace", action="store_true", help="replace an existing database file")
    _users_parser(sub)
    serve = sub.add_parser("serve", help="serve the staff apps with Voilà on http://127.0.0.1:PORT/")
    serve.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    serve.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    serve.add_argument("--apps", type=Path, default=None, help="folder of Voilà apps (default: voila_apps/)")
    serve.add_argument("--no-preheat", action="store_true", help="start a kernel per page load instead of a pool")
    serve.add_argument("--pool-fill-delay", type=float, default=0, metavar="SECONDS",
                       help="wait this long before preheating the next kernel after a page took one (the hub: 30)")
    serve.add_argument("--base-url", default="/", help="the path the browser sees before the apps' addresses, when "
                                                       "a proxy in front strips it (the hub: /user/NAME/)")
    hub = sub.add_parser("hub", help="serve the centre's staff behind JupyterHub: sign-in, each role its own door",
                         description="Starts JupyterHub with deploy/jupyterhub_config.py on the database (one for "
                                     "every staff member). See the README's 'A centre's server'.")
    hub.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    hub.add_argument("--dir", type=Path, default=None, help="the hub's own state (default: data/hub)")
    hub.add_argument("--ip", default=None, help="address to listen on (default: the configuration's hub.ip, 127.0.0.1)")
    hub.add_argument("--port", type=int, default=None, help="port (default: the configuration's hub.port, 8000)")
    report = sub.add_parser("report", help="run a supervisors' notebook unattended (papermill) with parameters")
    report.add_argument("notebook", help="a notebook in notebooks/ (e.g. period_report, outcomes, caseload) or a path")
    report.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    report.add_argument("--period", default=None, help="e.g. 2026, 2026-Q3, 2026-07, 01.01.2026–30.06.2026")
    report.add_argument("--programme", default=None, help="a programme code (default: all)")
    report.add_argument("--organisation", default=None, help="the organisation named in the heading")
    report.add_argument("--lang", default=None, choices=["uk", "en"], help="language of the report")
    report.add_argument("--excel", type=Path, default=None, help="write the period report to this Excel file "
                        "(a relative path goes under data/reports/)")
    report.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="any other parameter of the notebook's parameters cell")
    report.add_argument("--out", type=Path, default=None,
                        help="the executed notebook (default: data/reports/NAME-YYYYmmdd-HHMMSS.ipynb in the "
                             "checkout, else under the working directory)")
    export = sub.add_parser("export", allow_abbrev=False,
                            help="write the pseudonymised research dataset (CSV and Parquet) to a folder")
    export.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    export.add_argument("--out", type=Path, required=True, help="the folder to write (new or empty)")
    export.add_argument("--secret-file", type=Path, default=None,
                        help="a file holding the organisation's pseudonym secret (else the env var WB_EXPORT_SECRET; "
                             "never on the command line)")
    export.add_argument("--secret-label", default=None,
                        help="a label of the secret for the manifest (never the secret)")
    export.add_argument("--exact-dates", action="store_true",
                        help="keep the real dates (by default each client's dates move by a keyed −180…+180 days); "
                             "with exact dates nearly every client is unique: a warning is printed and recorded")
    export.add_argument("--free-text", action="store_true", help="include goals' wishes and titles and text answers")
    export.add_argument("--age", choices=["band", "year"], default="band", help="age bands (default) or birth year")
    export.add_argument("--replace", action="store_true", help="replace an export already in the folder")
    document = sub.add_parser("document", help="make a document to print and sign (act, plan, consent, referral, "
                                               "closure, care_profile) from a case's saved record, as a PDF",
                              description="The actor comes from WB_USER; refusals are in WB_LANG's language. See the "
                                          "README's 'Documents'.")
    document.add_argument("kind", metavar="KIND", help="act, plan, consent, referral, closure or care_profile")
    document.add_argument("--case", required=True, metavar="NUMBER", help="the case number, e.g. 2026-00012")
    document.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    document.add_argument("--lang", default="uk", help="uk (default) or en")
    document.add_argument("--record", type=int, default=None, metavar="ID",
                          help="which record (default: the latest of the kind)")
    document.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    commands = {"migrate": _migrate, "check": _check, "backup": _backup, "restore": _restore, "users": _users,
                "serve": _serve, "demo": _demo, "report": _report, "export": _export, "hub": _hub,
                "document": _document}
    return commands[args.command](args)

i18n.add({
    "cli.users.add": {"uk": "Користувача {username} додано.", "en": "User {username} added."},
    "cli.users.deactivate": {"uk": "Користувача {username} деактивовано.", "en": "User {username} deactivated."},
    "cli.users.role": {"uk": "Роль {username} змінено.", "en": "The role of {username} changed."},
    "cli.users.team": {"uk": "Команди {username} змінено.", "en": "The teams of {username} changed."},
    "cli.users.password": {
        "uk": "Одноразовий пароль для {username}: {password}\nПередайте його особисто; під час наступного входу "
              "{username} має обрати власний. Більше його ніде не показано.",
        "en": "One-time password for {username}: {password}\nHand it over in person; at the next sign-in "
              "{username} must choose their own. It is shown nowhere else.",
    },
    "cli.users.active": {"uk": "активний", "en": "active"},
    "cli.users.inactive": {"uk": "деактивований", "en": "deactivated"},
    "cli.migrated": {"uk": "База {path}: застосовано міграцій — {count}; структура актуальна.",
                     "en": "Database {path}: {count} migration(s) applied; the schema is up to date."},
    "cli.migrate.backup": {"uk": "Перед міграціями ({pending}) зроблено резервну копію: {path}",
                           "en": "Before the migrations ({pending}) a backup was made: {path}"},
    "cli.backup.done": {
        "uk": "Резервна копія {path}: {size} байт, sha256 {sha256}, голова ланцюжка №{head} ({seconds} с).",
        "en": "Backup {path}: {size} bytes, sha256 {sha256}, chain head #{head} ({seconds} s).",
    },
    "cli.backup.deleted": {"uk": "Видалено давнішу копію (ротація): {path}",
                           "en": "Older copy deleted (rotation): {path}"},
    "cli.restore.done": {"uk": "Копію {backup} відновлено як {db} (голова ланцюжка №{head}).",
                         "en": "The copy {backup} was restored as {db} (chain head #{head})."},
    "cli.restore.aside": {"uk": "Попередню базу збережено як {aside} (її WAL вписано в неї; поруч — її голова ланцюжка й "
                                "копія ключа).",
                          "en": "The previous database was kept as {aside} (its WAL folded into it; beside it, its chain "
                                "head and a copy of its key)."},
    "cli.restore.refused": {"uk": "Нічого не відновлено: поточна база не змінилася.",
                            "en": "Nothing was restored: the current database is unchanged."},
    "cli.restore.nothing_aside": {"uk": "Бази на цьому місці не було: нічого не відкладено.",
                                  "en": "There was no database at that place: nothing was put aside."},
    "cli.report.no_notebook": {"uk": "Блокнота {path} немає; є: {known}.", "en": "There is no notebook {path}; there are: {known}."},
    "cli.report.unknown_parameters": {
        "uk": "У блокноті {notebook} немає параметрів {unknown}; його параметри: {declared}.",
        "en": "The notebook {notebook} has no parameters {unknown}; its parameters are: {declared}.",
    },
    "cli.report.failed": {"uk": "{notebook} зупинився на клітинці {cell}: {error} (див. {out}).",
                          "en": "{notebook} stopped at cell {cell}: {error} (see {out})."},
    "cli.report.ran": {"uk": "{notebook} виконано за {seconds} с; виконаний блокнот: {out}",
                       "en": "{notebook} ran in {seconds} s; executed notebook: {out}"},
    "cli.export.done": {"uk": "Дослідницький експорт у {out}: {counts}; секрет {fingerprint} ({seconds} с)",
                        "en": "research export in {out}: {counts}; secret {fingerprint} ({seconds} s)"},
    "cli.export.unique_share": {
        "uk": "Унікальних клієнтів за програмою, статтю, віком, розміром домогосподарства й періодом прийому: {after} "
              "(за повної точності — {before}; ціль — менше {target}). Рівень: {level}.",
        "en": "Clients unique on programme, sex, age, household size and intake period: {after} (at full precision: "
              "{before}; the target is under {target}). Level: {level}.",
    },
    "cli.export.warning": {"uk": "УВАГА: {text}", "en": "WARNING: {text}"},
    "cli.document.no_case": {"uk": "Випадку № {number} немає серед тих, які ви можете переглядати.",
                             "en": "There is no case {number} among those you may read."},
    "cli.document.no_folder": {"uk": "Теки {folder} немає: документ не зроблено.",
                               "en": "There is no folder {folder}: no document was made."},
    "cli.document.done": {"uk": "{path}: {pages} стор., документ №{id}, sha256 {sha256}",
                          "en": "{path}: {pages} page(s), document #{id}, sha256 {sha256}"},
})


def _users_parser(sub) -> None:
    users = sub.add_parser("users", help="add, deactivate and list staff; give roles and teams; reset a password "
                                         "(audited)",
                           description="Staff of the centre. The first administrator is added with "
                                       "`workbench users add NAME --role administrator` while none exists; "
                                       "after that every change is made as the signed-in user (WB_USER), "
                                       "who must be an administrator.")
    users.add_argument("--db", type=Path, default=None, help="database file (default: WB_DB or data/workbench.db)")
    verbs = users.add_subparsers(dest="verb", required=True)
    add = verbs.add_parser("add", help="add a user")
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the name shown in the apps, e.g. 'Олена Тихоліс'")
    add.add_argument("--role", required=True, help="case_manager, supervisor, head_of_centre, administrator, researcher")
    add.add_argument("--team", action="append", default=[], help="a team (repeat for several)")
    deactivate = verbs.add_parser("deactivate", help="deactivate a user (their open cases then need a worker)")
    deactivate.add_argument("username")
    deactivate.add_argument("--reason", required=True)
    role = verbs.add_parser("role", help="give a user another role")
    role.add_argument("username")
    role.add_argument("role")
    role.add_argument("--reason", default=None)
    team = verbs.add_parser("team", help="put a user in these teams (none: out of every team)")
    team.add_argument("username")
    team.add_argument("teams", nargs="*")
    team.add_argument("--reason", default=None)
    verbs.add_parser("list", help="list every user with role, teams and whether active")
    password = verbs.add_parser("password", help="reset a user's password: a one-time password is printed once, "
                                                 "to be replaced at their next sign-in (also lifts a lock)",
                                description="The first administrator gets their own password this way too: "
                                            "WB_USER=NAME workbench users password NAME.")
    password.add_argument("username")


def _users(args) -> int:
    """``workbench users``: the store's user functions, as the signed-in user (see the parser's description)."""
    from .access import current_user
    from .i18n import UserError
    from .store import users
    from .store.credentials import reset_password

    try:
        db = open_db(_prepare_db(args.db))
        try:
            if args.verb == "add" and args.role == "administrator" and not users.administrators_exist(db):
                actor = args.username  # the first administrator adds themselves
            else:
                actor = current_user()
            if args.verb == "add":
                users.add_user(db, actor, username=args.username, display_name=args.name, role=args.role,
                               teams=args.team)
            elif args.verb == "deactivate":
                users.deactivate_user(db, actor, args.username, reason=args.reason)
            elif args.verb == "role":
                users.set_role(db, actor, args.username, args.role, reason=args.reason)
            elif args.verb == "team":
                users.set_teams(db, actor, args.username, args.teams, reason=args.reason)
            elif args.verb == "password":
                # Printed once, here only: the store keeps its hash, the audit log neither.
                print(i18n.t("cli.users.password", username=args.username,
                             password=reset_password(db, actor, args.username)))
                return 0
            else:
                for user in users.list_users(db, actor):
                    state = i18n.t("cli.users.active" if user["active"] else "cli.users.inactive")
                    print(f"{user['username']}\t{user['display_name']}\t{user['role']}\t{state}\t"
                          f"{', '.join(user['teams']) or '—'}")
                return 0
        finally:
            db.conn.close()
    except UserError as error:
        print(error.message(), file=sys.stderr)
        return 1
    print(i18n.t(f"cli.users.{args.verb}", username=args.username))
    return 0


def _prepare_db(path: Path | None) -> Path:
    """Create the database or apply its pending migrations (a backup first, as ``workbench migrate`` does),
    once, as a command starts; returns its path. Raises ``UserError`` when the backup cannot be made."""
    path = Path(path) if path else default_path()
    _migrate_with_backup(path, out=sys.stderr)
    return path


def _migrate_with_backup(path: Path, *, out) -> list[str]:
    """Back the database at ``path`` up when it holds records and migrations are pending (saying so on
    ``out``), then apply them; returns the migrations applied. Every command that migrates comes here, so no
    schema changes without its way back (a service started after an upgrade migrates too)."""
    from .store.backup import make_backup, needs_backup_before_migrating

    if pending := needs_backup_before_migrating(path):
        made = make_backup(path, before_migrating=True)  # UserError: no migration without its backup
        print(_both("cli.migrate.backup", pending=", ".join(pending), path=made["path"]), file=out)
    return apply_migrations(path)


def _both(key: str, **params) -> str:
    """A message in Ukrainian, then English, on two lines."""
    return "\n".join(i18n.t(key, lang, **params) for lang in i18n.LANGUAGES)


def _migrate(args) -> int:
    """``workbench migrate``: a backup first when the database holds records and migrations are pending."""
    from .i18n import UserError

    path = Path(args.db) if args.db else default_path()
    try:
        applied = _migrate_with_backup(path, out=sys.stdout)
    except UserError as error:  # no migration without its backup
        print(error.message("uk"), error.message("en"), sep="\n", file=sys.stderr)
        return 1
    print(i18n.t("cli.migrated", path=path, count=len(applied)))
    return 0


def _backup(args) -> int:
    """``workbench backup``: one copy, printed with its size, sha256, chain head and seconds."""
    from .i18n import UserError
    from .store.backup import make_backup

    try:
        made = make_backup(args.db or default_path(), args.folder)
    except UserError as error:
        print(error.message("uk"), error.message("en"), sep="\n", file=sys.stderr)
        return 1
    print(_both("cli.backup.done", path=made["path"], size=made["size"], sha256=made["sha256"],
                head=(made["head"] or {}).get("id", "—"), seconds=f"{made['seconds']:.2f}"))
    for deleted in made["deleted"]:
        print(_both("cli.backup.deleted", path=deleted))
    return 0


def _restore(args) -> int:
    """``workbench restore BACKUP_FILE``: prints where the current database was put aside."""
    from .i18n import UserError
    from .store.restore import restore_backup

    db_path = args.db or default_path()
    try:
        restored = restore_backup(args.backup_file, db_path)
    except UserError as error:
        print(error.message("uk"), error.message("en"), _both("cli.restore.refused"), sep="\n", file=sys.stderr)
        return 1
    print(_both("cli.restore.done", backup=args.backup_file, db=db_path,
                head=(restored["head"] or {}).get("id", "—")))
    print(_both("cli.restore.aside", aside=restored["aside"]) if restored["aside"] else
          _both("cli.restore.nothing_aside"))
    return 0


def _check(args) -> int:
    from .i18n import UserError
    from .store.backup import manifest_path
    from .store.restore import check_copy
    from .store.integrity import check_database, describe

    path = Path(args.db) if args.db else default_path()
    try:
        if manifest_path(path).is_file():  # a backup copy: its key beside it or in its folder, its manifest's head
            report = check_copy(path)
        else:
            # Opened as it is: a check changes nothing (no migrations either).
            db = open_db(path)
            try:
                report = check_database(db)
            finally:
                db.conn.close()
    except UserError as error:  # no database, a schema behind, no key: nothing could be checked
        print(error.message("uk"), error.message("en"), sep="\n", file=sys.stderr)
        return 2
    for line in describe(report):
        print(line, file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def _serve(args) -> int:
    import os

    from .i18n import UserError
    from .kernel_limit import max_kernels
    from .serve import allowed_hosts, preheated_kernels, serve

    try:  # a bad `serve` configuration: said in words, before anything starts
        allowed_hosts()
        max_kernels(preheated_kernels(not args.no_preheat))
        # The kernels read WB_DB; migrations run here, once, never on a page load.
        os.environ["WB_DB"] = str(_prepare_db(args.db).resolve())
    except UserError as error:
        print(error.message(), file=sys.stderr)
        return 1
    serve(args.apps, port=args.port, preheat=not args.no_preheat, base_url=args.base_url,
          fill_delay_s=args.pool_fill_delay)
    return 0


def _hub(args) -> int:
    """``workbench hub``: JupyterHub in this process's place, on the migrated database."""
    import os

    from .i18n import UserError
    from .paths import deploy_dir

    try:
        os.environ["WB_DB"] = str(_prepare_db(args.db).resolve())
    except UserError as error:  # the backup before a migration could not be made
        print(error.message(), file=sys.stderr)
        return 1
    for name, value in (("WB_HUB_DIR", args.dir and args.dir.resolve()), ("WB_HUB_IP", args.ip),
                        ("WB_HUB_PORT", args.port)):
        if value is not None:
            os.environ[name] = str(value)
    os.environ.pop("WB_USER", None)  # on the hub, who is acting comes from the sign-in only
    config = deploy_dir() / "jupyterhub_config.py"
    os.execv(sys.executable, [sys.executable, "-m", "jupyterhub", "-f", str(config)])


def _report(args) -> int:
    """Execute a notebook with papermill: parameters go in after its cell tagged ``parameters``."""
    import papermill

    notebooks = notebooks_dir()
    source = Path(args.notebook)
    if not source.suffix:
        source = notebooks / f"{args.notebook}.ipynb"
    if not source.is_file():
        known = ", ".join(sorted(p.stem for p in notebooks.glob("*.ipynb")))
        print(i18n.t("cli.report.no_notebook", path=source, known=known), file=sys.stderr)
        return 1
    parameters = {name: value for name, value in args.parameter}
    for name in ("period", "programme", "organisation", "lang"):
        if getattr(args, name) is not None:
            parameters[name] = getattr(args, name)
    if args.db is not None:
        parameters["database"] = str(args.db.resolve())
    if args.excel is not None:
        from .analysis.report import excel_path  # where the notebook's own write_excel would put it
        from .i18n import UserError

        try:
            parameters["excel"] = str(excel_path(args.excel))
        except UserError as problem:
            print(problem.message(), file=sys.stderr)
            return 1
    declared = papermill.inspect_notebook(str(source))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:  # papermill would inject them anyway, and the notebook would silently ignore them
        print(i18n.t("cli.report.unknown_parameters", notebook=source.name, unknown=", ".join(unknown),
                     declared=", ".join(declared)), file=sys.stderr)
        return 1
    out = args.out or data_dir() / "reports" / f"{source.stem}-{time.strftime('%Y%m%d-%H%M%S')}.ipynb"
    # The executed notebook holds the report's figures: private like the database (workbench.files). The
    # reports folder is made private; a folder given with --out is left as it is, but made private if new.
    if args.out is None:
        private_folder(out.parent)
    else:
        with private_umask():
            out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        make_private(out)  # papermill rewrites it in place, keeping its mode
    started = time.perf_counter()
    try:
        # papermill writes the notebook as it runs, and the kernel (a child process) whatever the notebook
        # writes: under the private umask, every file is private from its first byte. The umask is the
        # process's; this command does nothing else meanwhile.
        with private_umask():
            papermill.execute_notebook(str(source), str(out), parameters=parameters, cwd=str(Path.cwd()),
                                       progress_bar=False)
    except papermill.PapermillExecutionError as error:
        print(i18n.t("cli.report.failed", notebook=source.name, cell=error.exec_count,
                     error=f"{error.ename}: {error.evalue}", out=out), file=sys.stderr)
        return 1
    print(i18n.t("cli.report.ran", notebook=source.name, seconds=f"{time.perf_counter() - started:.1f}", out=out))
    return 0


def _demo(args) -> int:
    from .demo import build_demo

    path = args.db or default_path()
    if path.exists():
        if not args.replace:
            print(f"{path} exists; pass --replace to build the demo anew", file=sys.stderr)
            return 1
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    started = time.perf_counter()
    summary = build_demo(path, seed=args.seed, households=args.households)
    print(f"demo database {path}: {summary.persons} persons, {summary.households} households, "
          f"{summary.cases} cases, {summary.assessments} assessments, {summary.corrections} corrections "
          f"({time.perf_counter() - started:.1f} s)")
    return 0


def _export(args) -> int:
    """The research export: the secret from --secret-file or WB_EXPORT_SECRET, the actor from the environment."""
    import os

    from .access import current_user
    from .i18n import UserError
    from .research_export import export_research_dataset, percent

    try:
        if args.secret_file is not None:
            if not args.secret_file.is_file():
                raise UserError("export.secret_file_missing", path=str(args.secret_file))
            secret = args.secret_file.read_text(encoding="utf-8").rstrip("\r\n")
        else:
            secret = os.environ.get("WB_EXPORT_SECRET")
        actor = current_user()
        db = open_db(args.db or default_path())  # a missing database is refused, not created
        try:
            manifest = export_research_dataset(db, args.out, secret=secret, secret_label=args.secret_label, actor=actor,
                                               shift_dates=not args.exact_dates, include_free_text=args.free_text,
                                               age=args.age, replace=args.replace)
        finally:
            db.conn.close()
    except UserError as error:
        print(error.message(), file=sys.stderr)
        return 1
    counts = ", ".join(f"{name} {n}" for name, n in manifest["row_counts"].items())
    shown = manifest["disclosure"]
    for lang in i18n.LANGUAGES:  # what the export did and how unique its clients are, in both languages
        print(i18n.t("cli.export.done", lang, out=args.out, counts=counts, fingerprint=manifest["secret_fingerprint"],
                     seconds=f"{manifest['seconds']:.1f}"))
        print(i18n.t("cli.export.unique_share", lang, after=percent(shown["unique_share_after"], lang),
                     before=percent(shown["unique_share_before"], lang), target=percent(shown["target"], lang, 0),
                     level=shown["level_described"][lang]))
    for warning in manifest["export_warnings"]:  # exact dates, above the target, free text
        for lang in i18n.LANGUAGES:
            print(i18n.t("cli.export.warning", lang, text=warning[lang]), file=sys.stderr)
    return 0


def _document(args) -> int:
    """A document of a case, found by its number, as the actor from the environment; nothing is written on a refusal."""
    from .access import current_user
    from .files import write_private
    from .i18n import UserError
    from .printing import make_document
    from .store.search import find_cases

    try:
        actor = current_user()
        if not args.out.parent.is_dir():  # before the document is made and registered, not after
            raise UserError("cli.document.no_folder", folder=str(args.out.parent))
        db = open_db(args.db or default_path())  # a missing database is refused, not created
        try:
            found = [r["id"] for r in find_cases(db, actor, args.case, limit=10)[0] if r["case_number"] == args.case]
            if not found:
                raise UserError("cli.document.no_case", number=args.case[:40])
            made = make_document(db, actor, case_id=found[0], kind=args.kind, lang=args.lang, record_id=args.record)
        finally:
            db.conn.close()
    except UserError as error:
        print(error.message(), file=sys.stderr)
        return 1
    write_private(args.out, made.content)  # a client's record: only its owner (and the configured group) may read it
    print(i18n.t("cli.document.done", None, path=args.out, pages=made.pages, id=made.document_id, sha256=made.sha256))
    return 0


if __name__ == "__main__":
    sys.exit(main())
