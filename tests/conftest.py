"""Fixtures: the same suite on real SQLite and real PostgreSQL, through real HTTP (ASGI).

PostgreSQL comes from POLICENET_TEST_DATABASE_URL; the tests work in a schema of their own
(``policenet_test``, one per pytest-xdist worker), dropped and created at the start of a
run. Without the variable the PostgreSQL half is skipped with a reason, except under CI,
where that is a failure.
"""

from __future__ import annotations

import json
import logging
import os
import re
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from policenet.actions import principals as principal_actions
from policenet.actions.hub import initialise
from policenet.api.app import create_app
from policenet.api.errors import server_log_config
from policenet.domain.principals import (
    AgencyCreate,
    AgencyKind,
    Principal,
    PrincipalCreate,
    Right,
    Role,
)
from policenet.settings import SQLITE_FILE, Settings
from policenet.store import migrate
from policenet.store.db import Database
from policenet.store.tables import Base

# Each pytest-xdist worker has its own schema (and its own SQLite file), so they run side by side.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PG_SCHEMA = f"policenet_test_{_WORKER}" if _WORKER else "policenet_test"
# How many cases the access matrix (tests/test_access_matrix.py) ran, printed at the end.
MATRIX_CASES = pytest.StashKey[int]()


class _LogWatch(logging.Handler):
    """Every line the hub logs during the whole run, searched for what must never be in a log:
    a token, a private key, or the name of a person the tests recorded.

    Tokens, keys and the tests' usual names are looked for as each line is logged; the names
    of every person recorded in a test's database (``learn_names``, when the test ends) are
    looked for in every line of the run when the run ends (``search_names``). The logs of the
    hubs that tests start as processes of their own are added by ``watch_output``."""

    # A whole token (the 10 characters a failed login logs are its prefix, not a secret).
    TOKEN = re.compile(r"pn_[A-Za-z0-9_-]{20,}|PRIVATE KEY")
    # The people the tests record most, in the scripts they use.
    NAMES = ("DUVAL", "Duval", "LEBLANC", "Leblanc", "MÜLLER", "Дюваль", "MARTIN, CLAIRE")
    # A name part shorter than this may be a word of any log line ("Li", "Jean" in "Jeans").
    SHORTEST_PART = 5
    # The lines kept for the search at the end (a run logs a few thousand).
    MOST_KEPT = 200_000

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines = 0
        self.leaks: list[str] = []
        self.kept: list[tuple[str, str]] = []
        self.names: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        text = self.format(record)
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.search(text, record.name)

    def search(self, text: str, source: str) -> None:
        self.lines += 1
        found = self.TOKEN.findall(text) + [n for n in self.NAMES if n in text]
        if found:
            self.leaks.append(f"{source}: {found[0]!r} in {text[:200]!r}")
        if len(self.kept) < self.MOST_KEPT:
            self.kept.append((source, text))
        elif len(self.kept) == self.MOST_KEPT:
            # Never a silent gap: the lines past the cap would go unsearched for names.
            self.leaks.append(f"log watch: over {self.MOST_KEPT:,} lines; raise MOST_KEPT")
            self.kept.append(("", ""))

    def learn_names(self, database: Database, limit: int = 5_000) -> None:
        """The names of the persons recorded in ``database`` (those the test just used): of
        the person records, and of the holders of travel documents."""
        with database.engine.connect() as connection:
            rows = connection.execute(
                text("SELECT data FROM records WHERE database = 'persons' LIMIT :n"), {"n": limit}
            )
            for (data,) in rows:
                value = json.loads(data) if isinstance(data, str) else data
                self.names.update(_names_in(value))
            holders = connection.execute(
                text(
                    "SELECT holder_name FROM travel_documents WHERE holder_name IS NOT NULL "
                    "LIMIT :n"
                ),
                {"n": limit},
            )
            for (holder,) in holders:
                self.names.update(_names_in({"name": holder}))

    def search_names(self) -> None:
        """Every line kept, against every name learnt."""
        wanted = sorted(self.names)
        if not wanted:
            return
        pattern = re.compile("|".join(re.escape(n) for n in wanted))
        for source, line in self.kept:
            found = pattern.search(line)
            if found:
                self.leaks.append(f"{source}: {found.group()!r} in {line[:200]!r}")


def _names_in(value: object, named: bool = False) -> set[str]:
    """The names in a person's stored data: every string under a key that names a person
    (``name``, ``aliases``, ``surname`` …), whole and by parts long enough to be a name."""
    if isinstance(value, str):
        if not named:
            return set()
        parts = {p for p in re.split(r"[\s,]+", value) if len(p) >= _LogWatch.SHORTEST_PART}
        return parts | ({value} if len(value) >= _LogWatch.SHORTEST_PART else set())
    if isinstance(value, dict):
        found: set[str] = set()
        for key, item in value.items():
            found |= _names_in(item, named or "name" in key or key in {"aliases", "alias"})
        return found
    if isinstance(value, list):
        return set().union(*(_names_in(item, named) for item in value)) if value else set()
    return set()


def stop_served_hub(server: subprocess.Popen[bytes], data_dir: Path) -> None:
    """Stop a hub a test started with ``policenet serve`` (stderr piped), and search what it
    logged, with the names of the persons in its SQLite database under ``data_dir``."""
    server.terminate()
    _, logged = server.communicate(timeout=30)
    watch_output(
        (logged or b"").decode("utf-8", "replace"),
        "policenet serve",
        f"sqlite:///{(data_dir / SQLITE_FILE).as_posix()}",
    )


def watch_output(output: str, source: str, database_url: str | None = None) -> None:
    """What a hub started as a process of its own wrote to its log (stderr), searched like
    the test process's own lines, with the names of the persons in its database."""
    if database_url is not None:
        served = Database(database_url)
        try:
            LOG_WATCH.learn_names(served)
        finally:
            served.dispose()
    for line in output.splitlines():
        LOG_WATCH.search(line, source)


LOG_WATCH = _LogWatch()


def pytest_configure(config: pytest.Config) -> None:
    # The hub's own loggers at INFO, as a served hub runs; the watch sees every line.
    logging.getLogger("policenet").setLevel(logging.INFO)
    logging.getLogger().addHandler(LOG_WATCH)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        # A pytest-xdist worker hands what it saw to the controller, which reports for all.
        workeroutput["matrix_cases"] = config.stash.get(MATRIX_CASES, 0)
        LOG_WATCH.search_names()
        workeroutput["log_lines"] = LOG_WATCH.lines
        workeroutput["log_names"] = sorted(LOG_WATCH.names)
        workeroutput["log_leaks"] = LOG_WATCH.leaks
        return
    LOG_WATCH.search_names()
    if LOG_WATCH.leaks and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """pytest-xdist: a worker finished; add its matrix cases and log lines to the run's."""
    output = getattr(node, "workeroutput", {})
    config = getattr(node, "config", None)
    if config is not None:
        config.stash[MATRIX_CASES] = config.stash.get(MATRIX_CASES, 0) + output.get(
            "matrix_cases", 0
        )
    LOG_WATCH.lines += output.get("log_lines", 0)
    LOG_WATCH.names.update(output.get("log_names", []))
    LOG_WATCH.leaks.extend(output.get("log_leaks", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    cases = terminalreporter.config.stash.get(MATRIX_CASES, 0)
    if cases:
        terminalreporter.write_line(
            f"access matrix: {cases} cases asked, every one as the rules say"
        )
    if LOG_WATCH.leaks:
        terminalreporter.write_line(
            f"logs: {len(LOG_WATCH.leaks)} lines hold a token or a person's name:", red=True
        )
        for leak in LOG_WATCH.leaks[:20]:
            terminalreporter.write_line(f"  {leak}", red=True)
    else:
        names = len(LOG_WATCH.names)
        terminalreporter.write_line(
            f"logs: {LOG_WATCH.lines} lines logged, none holds a token, a key or any of the "
            f"{names} names of the persons the tests recorded"
        )


def _postgres_url() -> str:
    url = os.environ.get("POLICENET_TEST_DATABASE_URL")
    if url:
        return url
    reason = "POLICENET_TEST_DATABASE_URL is not set: the PostgreSQL half of the suite is skipped"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(reason + ", and CI must run it.")
    pytest.skip(reason)


def _postgres_database() -> Database:
    url = _postgres_url()
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    except Exception as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL at {url} is not reachable: {exc}")
        pytest.skip(f"PostgreSQL at {url} is not reachable: {exc}")
    finally:
        admin.dispose()
    return Database(url, connect_args={"options": f"-csearch_path={PG_SCHEMA}"})


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A database brought to the latest schema by the Alembic migrations, once per backend."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "policenet.db"
        database = Database(f"sqlite:///{path}")
    else:
        database = _postgres_database()
    migrate.upgrade(database)
    yield database
    database.dispose()


def _empty(database: Database) -> None:
    if database.journal is not None and database.journal.path.exists():
        # The check journal (store/journal.py) lives beside the database file.
        database.journal.forget(2**62)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with database.engine.begin() as connection:
        if database.engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - our table names
        connection.execute(
            text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, :h)"), {"h": "0" * 64}
        )


@dataclass
class Actor:
    principal: Principal
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class World:
    """Factories for principals, made through the real actions."""

    def __init__(self, database: Database, admin: Actor) -> None:
        self.database = database
        self.gs_admin = admin
        self._ncb_admins: dict[str, Actor] = {}

    def _create(self, actor: Actor, data: PrincipalCreate) -> Actor:
        with self.database.transaction() as session:
            principal, issued = principal_actions.create_principal(
                session, actor.principal, data, default_ttl_days=30
            )
        return Actor(principal, issued.secret)

    def ncb_admin(self, country: str) -> Actor:
        if country not in self._ncb_admins:
            self._ncb_admins[country] = self._create(
                self.gs_admin,
                PrincipalCreate(name=f"NCB {country} admin", role=Role.NCB_ADMIN, country=country),
            )
        return self._ncb_admins[country]

    def principal(self, role: Role, country: str | None = None) -> Actor:
        if role.is_gs:
            return self._create(self.gs_admin, PrincipalCreate(name=f"GS {role}", role=role))
        assert country is not None
        admin = self.ncb_admin(country)
        if role is Role.NCB_ADMIN:
            return admin
        if not role.belongs_to_agency:
            return self._create(admin, PrincipalCreate(name=f"{country} {role}", role=role))
        kind = AgencyKind.CARRIER if role is Role.CARRIER else AgencyKind.BORDER
        rights = [Right.CHECK_DOCUMENTS]
        if role is Role.AGENCY_OFFICER:
            kind, rights = AgencyKind.POLICE, [Right.CHECK_DOCUMENTS, Right.RECORD_DOCUMENTS]
        agency = self.agency(country, kind, rights)
        return self._create(
            admin, PrincipalCreate(name=f"{country} {role}", role=role, agency_id=agency)
        )

    def agency(self, country: str, kind: AgencyKind, rights: list[Right]) -> int:
        with self.database.transaction() as session:
            agency = principal_actions.create_agency(
                session,
                self.ncb_admin(country).principal,
                AgencyCreate(name=f"{country} {kind}", kind=kind, rights=rights),
            )
        return agency.id


@pytest.fixture
def database(migrated: Database) -> Iterator[Database]:
    """The backend's database, emptied and initialised for this test; the names of the
    persons it recorded are searched for in the run's logs."""
    _empty(migrated)
    yield migrated
    LOG_WATCH.learn_names(migrated)


@pytest.fixture
def world(database: Database) -> World:
    report = initialise(database, admin_name="GS admin", ttl_days=30)
    assert report.first_admin is not None
    principal, issued = report.first_admin
    return World(database, Actor(principal, issued.secret))


@pytest.fixture
def client(database: Database, tmp_path: Path) -> Iterator[TestClient]:
    # The overdue sweep is driven by the tests themselves, with a clock they set.
    settings = Settings(data_dir=tmp_path, database_url=database.url, escalation_interval=600)
    with TestClient(create_app(settings, database)) as test_client:
        yield test_client


@pytest.fixture
def live(database: Database, tmp_path: Path) -> Iterator[str]:
    """The hub served over real HTTP on loopback (server-sent events need a real socket)."""
    settings = Settings(
        data_dir=tmp_path,
        database_url=database.url,
        event_poll_interval=0.2,
        escalation_interval=0.5,
    )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    # As `policenet serve` logs, and into the run's log watch (uvicorn's loggers propagate).
    log_config = server_log_config()
    log_config["loggers"]["uvicorn"]["propagate"] = True
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(settings, database),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            log_config=log_config,
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        threading.Event().wait(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
