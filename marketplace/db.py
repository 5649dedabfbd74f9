"""Declarative base, shared column helpers and the one transaction helper, atomic()."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def now_utc() -> datetime:
    """Current time in UTC, timezone-aware; every stored time is UTC (DESIGN.md section 3)."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A datetime stored as naive UTC and always read back as aware UTC.

    SQLite keeps no time zone, PostgreSQL `timestamp` neither; storing naive UTC everywhere and
    tagging it on the way out keeps comparisons right on both databases.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Convert aware datetimes to naive UTC; refuse naive ones, which would be ambiguous."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        """Tag stored values as UTC."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Base of every model; constraint names are fixed so migrations stay stable."""

    registry = sa.orm.registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class TimestampMixin:
    """created_at and updated_at, filled by the application in UTC."""

    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL and a busy timeout so concurrent requests wait instead of failing "database is locked".

    The driver's own transaction handling is switched off so that _sqlite_begin() below decides
    how each transaction starts.
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """Start SQLite transactions ourselves: IMMEDIATE for writers, deferred for readers.

    A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another
    writer committed in between (the busy timeout cannot help there). Use cases that write ask
    for `BEGIN IMMEDIATE` through atomic(), which takes the write lock up front and waits for it.
    """
    if conn.dialect.name != "sqlite":
        return
    if conn.get_execution_options().get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def engine_options(url: str, options: dict) -> dict:
    """The engine settings for a database URL.

    PostgreSQL connections are in autocommit outside atomic(): a page that only reads then costs
    no BEGIN and ROLLBACK round trips (each of its statements sees the latest committed data, as
    under READ COMMITTED), while every use case still writes in one transaction (atomic()).
    Migrations ask for their own transaction. SQLite is left to its own begin handling above.
    """
    if url.startswith("postgresql"):
        return {"isolation_level": "AUTOCOMMIT", **options}
    return options


def guard_writes_outside_atomic(engine: Engine, strict: bool) -> None:
    """Report an INSERT, UPDATE or DELETE that a request runs outside atomic().

    On PostgreSQL such a write would commit at once (reads autocommit), so a request failing
    after it could leave half a change behind. Tests fail on it (strict); production logs it.
    """
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "before_cursor_execute")
    def _check(conn, cursor, statement, parameters, context, executemany):
        from flask import current_app, has_request_context

        if not (context.isinsert or context.isupdate or context.isdelete):
            return
        if not has_request_context() or not conn.connection.dbapi_connection.autocommit:
            return
        if strict:
            raise AssertionError(f"write outside atomic(): {statement[:80]}")
        current_app.logger.error("write outside atomic(): %s", statement[:80])


def ping_idle_connections(engine: Engine, after_seconds: int) -> None:
    """Before lending out a connection that sat idle over `after_seconds`, check it answers.

    A dead one is replaced by a fresh connection (the pool retries on DisconnectionError), so a
    database restart during a quiet hour costs no request. Busy connections skip the round trip.
    SQLite connections are local files and never go stale.
    """
    if engine.dialect.name == "sqlite":
        return

    @event.listens_for(engine.pool, "checkin")
    def _note_idle_since(dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy):
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < after_seconds:
            return  # new, or back from a request a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # whatever broke it, a fresh connection is the cure
            raise sa.exc.DisconnectionError(str(exc)) from exc


@contextmanager
def atomic() -> Iterator[sa.orm.Session]:
    """Run one use case in one transaction: commit at the end, roll back on any error.

    Any transaction the request had already begun (reads, such as loading the current user) is
    ended first, so the use case starts clean and, on SQLite, with the write lock. Callbacks
    registered with after_commit() run once the commit has succeeded (mail, payment calls).
    """
    from marketplace.extensions import db

    session = db.session()
    if session.in_transaction():
        session.commit()
    # PostgreSQL connections read in autocommit (see engine_options); a use case writes in a
    # READ COMMITTED transaction, the level the conditional updates of checkout rely on.
    options = {"sqlite_immediate": True}
    if session.get_bind().dialect.name == "postgresql":
        options["isolation_level"] = "READ COMMITTED"
    session.connection(execution_options=options)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        session.info.pop("after_commit", None)
        raise
    callbacks = session.info.pop("after_commit", [])
    for callback in callbacks:
        callback()


def after_commit(callback: Callable[[], None]) -> None:
    """Run callback after the current atomic() block commits; dropped if it rolls back."""
    from marketplace.extensions import db

    db.session().info.setdefault("after_commit", []).append(callback)


# Tables the migrations create outside the models: the per-database search index (an FTS5
# virtual table and its shadow tables on SQLite). Alembic's comparison must leave them alone.
UNMAPPED_TABLE_PREFIXES = ("product_search",)


def include_in_schema_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic `include_object` hook: ignore the unmapped search tables and their indexes."""
    table_name = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not (table_name or "").startswith(UNMAPPED_TABLE_PREFIXES)
