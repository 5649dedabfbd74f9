import logging
from logging.config import fileConfig

from flask import current_app

from alembic import context

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging, unless the app already set logging up
# (marketplace/logs.py: JSON lines in production). Loggers that exist stay enabled: the app's
# own (its error log among them) must keep working in a process that ran the migrations.
if not any(h.get_name() == "marketplace-log" for h in logging.getLogger().handlers):
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    try:
        # this works with Flask-SQLAlchemy<3 and Alchemical
        return current_app.extensions["migrate"].db.engine
    except (TypeError, AttributeError):
        # this works with Flask-SQLAlchemy>=3
        return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def render_item(type_, obj, autogen_context):
    """Write our UTCDateTime as a plain DateTime: the UTC handling lives in Python, not SQL."""
    from marketplace.db import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime()"
    return False


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("compare_type", True)
    from marketplace.db import include_in_schema_comparison

    conf_args.setdefault("include_object", include_in_schema_comparison)

    connectable = get_engine()

    with connectable.connect() as connection:
        if connection.dialect.name == "postgresql":
            # The app's PostgreSQL connections default to autocommit (marketplace.db
            # engine_options); a migration must be all or nothing.
            connection = connection.execution_options(isolation_level="READ COMMITTED")
        upgraded = []

        def note_upgrade(ctx, step, heads, run_args):
            if step.is_upgrade and not step.is_stamp:
                upgraded.append(step.up_revision_id)

        context.configure(
            connection=connection,
            target_metadata=get_metadata(),
            on_version_apply=note_upgrade,
            **conf_args,
        )

        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table (copy, DROP, rename) to change a constraint; with
            # foreign keys enforced, the DROP of a table that rows refer to (shipments, once a
            # shop holds orders) fails. SQLite ignores this pragma inside a transaction, so it
            # is set on the driver's connection before Alembic begins one; the check below
            # proves the rebuilt tables still agree before the keys are enforced again.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
                at_head = set(context.get_context().get_current_heads()) == set(
                    context.script.get_heads()
                )
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")

    if upgraded and at_head:
        fill_derived_tables()


def fill_derived_tables():
    """After an upgrade that reached head: fill the tables derived from others that the
    migrations create empty (the dashboard's sales summary of orders paid before it existed).

    This runs the app's current code, which matches the schema at head; migrations themselves
    never import app code, which changes after them. It runs after the migrations committed, on
    the app's own connection, and does nothing when every sale is already counted.
    """
    from marketplace.dashboard.rebuild import rebuild_if_sales_missing

    counts = rebuild_if_sales_missing()
    if counts is not None:
        logger.info("sales summary filled from the order lines: %s", counts)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
