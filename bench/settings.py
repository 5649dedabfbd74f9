"""Settings the benchmarks give the app under test: production, with throwaway required values."""

PRODUCTION_ENV = {
    "APP_ENV": "production",
    # Production refuses to start without these (config.PRODUCTION_REQUIRED); nothing is paid here.
    "SITE_URL": "http://127.0.0.1",
    "BANK_TRANSFER_BANK_NAME": "Bank Uji",
    "BANK_TRANSFER_ACCOUNT_NUMBER": "000-000",
    "BANK_TRANSFER_ACCOUNT_HOLDER": "Benchmark",
}


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database `url` names when it does not exist yet (a fresh machine)."""
    import sqlalchemy as sa

    target = sa.make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        ).scalar()
        if not exists:
            # CREATE DATABASE takes no bind parameters; quote the name as an identifier.
            quoted = server.dialect.identifier_preparer.quote(target.database)
            conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
    server.dispose()
