"""BNN staff dashboard: sales of the viewer's area, drill-down, exports and the work queues.

Staff only (others get 404, anonymous visitors the login page). Every region, artisan and export
asked for must lie inside current_user.staff_scope, else 404 (the services raise NotFound).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from marketplace.accounts.permissions import staff_required
from marketplace.dashboard import charts, exports, queues
from marketplace.dashboard.artisan import artisan_report
from marketplace.dashboard.formatting import Formatter
from marketplace.dashboard.periods import DEFAULT_PRESET, PRESETS, parse_period
from marketplace.dashboard.reports import DORMANT_SHOWN, region_report, status_label
from marketplace.dashboard.sections import INTERVALS
from marketplace.errors import ValidationError
from marketplace.i18n import current_language
from marketplace.regions.services import region_name, region_names

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

PERIOD_ARGS = ("period", "from", "to", "interval")


def _period(strict: bool):
    """The period asked for; a bad one is an error for exports and a message on pages."""
    try:
        return parse_period(request.args), None
    except ValidationError as error:
        if strict:
            raise
        return parse_period({"period": DEFAULT_PRESET}), error.message


def _kept_args(**overrides) -> dict:
    """The period and interval arguments of this request, for links that keep them."""
    args = {k: request.args[k] for k in PERIOD_ARGS if request.args.get(k)}
    if args.get("period") != "custom":
        args.pop("from", None)
        args.pop("to", None)
    args.update({k: v for k, v in overrides.items() if v is not None})
    return args


def _link_for(table, row) -> str | None:
    """Where a table row links: one level down, or the artisan's page."""
    if table.link == "region" and row.get("code"):
        return dashboard_url("dashboard.overview", region=row["code"], sort=None, dir=None)
    if table.link == "artisan" and row.get("artisan_id"):
        return dashboard_url("dashboard.artisan", artisan_id=row["artisan_id"], sort=None, dir=None)
    return None


def _context(report, here, export_url, period_error=None) -> dict:
    """What both dashboard templates need besides the report."""
    chart = charts.bar_chart(report.tables["series"].rows)
    tiles, width, height, legend = charts.tile_map(report.map_values, region_names())
    return {
        "report": report,
        "chart": chart,
        "tiles": tiles,
        "map_size": (width, height),
        "legend": legend,
        "presets": PRESETS,
        "intervals": INTERVALS,
        "period_error": period_error,
        "kept": _kept_args(),
        "dormant_shown": DORMANT_SHOWN,
        "here": here,
        "export_url": export_url,
        "link_for": _link_for,
        "fmt": Formatter(current_language()),
    }


def _region_report(period):
    """The report the page and its exports share: the query's region, interval and sorting."""
    return region_report(
        scope=current_user.staff_scope,
        region=request.args.get("region"),
        period=period,
        interval=request.args.get("interval"),
        sort=request.args.get("sort", "gmv_idr"),
        direction=request.args.get("dir", "desc"),
        locale=current_language(),
    )


@bp.get("/")
@staff_required
def overview():
    """The dashboard of a region (default: the whole scope), with the queues at the scope's top."""
    period, error = _period(strict=False)
    report = _region_report(period)
    code = report.region.code
    sorting = {"sort": request.args.get("sort"), "dir": request.args.get("dir")}

    def here(**values):
        """This page with some arguments changed."""
        return dashboard_url("dashboard.overview", **{"region": code, **sorting, **values})

    def export_url(key, fmt):
        """The download of one of this page's tables."""
        return dashboard_url("dashboard.export", key=key, fmt=fmt, region=code, **sorting)

    at_top = code == current_user.staff_scope
    staff_queues = (
        queues.staff_queues(scope=current_user.staff_scope, admin=current_user.is_admin)
        if at_top
        else []
    )
    return render_template(
        "dashboard/overview.html",
        queues=staff_queues,
        sort=request.args.get("sort", "gmv_idr"),
        direction=request.args.get("dir", "desc"),
        **_context(report, here, export_url, error),
    )


@bp.get("/sales/artisans/<int:artisan_id>")
@staff_required
def artisan(artisan_id: int):
    """One artisan's sales, if the artisan's regency is inside the scope."""
    period, error = _period(strict=False)
    report = artisan_report(
        scope=current_user.staff_scope,
        artisan_id=artisan_id,
        period=period,
        interval=request.args.get("interval"),
        locale=current_language(),
    )

    def here(**values):
        """This page with some arguments changed."""
        return dashboard_url("dashboard.artisan", artisan_id=artisan_id, **values)

    def export_url(key, fmt):
        """The download of one of this page's tables."""
        return dashboard_url("dashboard.artisan_export", artisan_id=artisan_id, key=key, fmt=fmt)

    return render_template(
        "dashboard/artisan.html",
        region_label=region_name,
        status_label=status_label(report.artisan.status),
        **_context(report, here, export_url, error),
    )


@bp.get("/export/<key>.<fmt>")
@staff_required
def export(key: str, fmt: str):
    """A region table as CSV or XLSX, for the same region and period as the page."""
    if fmt not in exports.FORMATS:
        abort(404)
    period, _error = _period(strict=True)
    report = _region_report(period)
    return _file(report, key, fmt)


@bp.get("/sales/artisans/<int:artisan_id>/export/<key>.<fmt>")
@staff_required
def artisan_export(artisan_id: int, key: str, fmt: str):
    """An artisan table as CSV or XLSX."""
    if fmt not in exports.FORMATS:
        abort(404)
    period, _error = _period(strict=True)
    report = artisan_report(
        scope=current_user.staff_scope,
        artisan_id=artisan_id,
        period=period,
        interval=request.args.get("interval"),
        locale=current_language(),
    )
    return _file(report, key, fmt)


def _file(report, key: str, fmt: str) -> Response:
    """The download response of one table; 404 for a table the page does not have."""
    if key not in report.tables:
        abort(404)
    content, mimetype, name = exports.render(
        report, key, fmt, current_user.staff_scope, current_app.config["SITE_NAME"]
    )
    # content_type, not mimetype: Werkzeug adds a charset to a text/* mimetype a second time.
    response = Response(content, content_type=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.app_template_global("dashboard_url")
def dashboard_url(endpoint: str, **values) -> str:
    """url_for that keeps this request's period and interval (None drops an argument)."""
    kept = _kept_args()
    for key, value in list(values.items()):
        if value is None:
            kept.pop(key, None)
            values.pop(key)
    return url_for(endpoint, **{**kept, **values})
