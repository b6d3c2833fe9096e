"""The GeoReport v2 endpoints as plain data, over the hotline application.

Service = a category of the organisation (leaf or not); a service request = a ticket. Creating a request
runs the ordinary intake command on the `web` channel (a citizen's own submission), so every rule applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from rexian.adapters import tables as t
from rexian.domain import commands as c
from rexian.domain.errors import WorkflowError
from rexian.domain.model import OPEN_STATES, STATE_NAMES

MAX_LISTED = 1000  # GeoReport v2: a request list returns at most 1000 requests


@dataclass
class GeoReportError(Exception):
    status: int  # HTTP status
    code: int  # GeoReport error code (the HTTP status, as the spec's examples use)
    description: str


class GeoReport:
    def __init__(self, hotline, jurisdiction_id: str | None = None):
        self.hotline = hotline
        self.jurisdiction_id = jurisdiction_id
        self.zone = ZoneInfo(hotline.settings["timezone"])

    def _time(self, at: datetime | None) -> str | None:
        return at.replace(tzinfo=self.zone).isoformat(timespec="seconds") if at else None

    def _check_jurisdiction(self, params: dict[str, str]) -> None:
        given = params.get("jurisdiction_id")
        if self.jurisdiction_id and given and given != self.jurisdiction_id:
            raise GeoReportError(404, 404, f"jurisdiction_id {given} is not served here")

    # --- GET services ------------------------------------------------------------------------------------
    def services(self, params: dict[str, str]) -> list[dict[str, Any]]:
        self._check_jurisdiction(params)
        org = self.hotline.organisation()
        return [{"service_code": cat.code, "service_name": cat.name, "description": cat.name,
                 "metadata": False, "type": "realtime", "keywords": "",
                 "group": org.categories[cat.parent_code].name if cat.parent_code in org.categories else ""}
                for cat in sorted(org.categories.values(), key=lambda cat: cat.code)]

    # --- GET services/{code} -------------------------------------------------------------------------------
    def service_definition(self, code: str, params: dict[str, str]) -> dict[str, Any]:
        self._check_jurisdiction(params)
        if self.hotline.organisation().category(code) is None:
            raise GeoReportError(404, 404, f"service_code {code} not found")
        return {"service_code": code, "attributes": []}  # no extra questions beyond the standard fields

    # --- POST requests -------------------------------------------------------------------------------------
    def create_request(self, form: dict[str, str]) -> list[dict[str, Any]]:
        self._check_jurisdiction(form)
        code = form.get("service_code")
        if not code:
            raise GeoReportError(400, 400, "service_code is required")
        has_place = form.get("address_string") or form.get("address_id") or (form.get("lat") and form.get("long"))
        if not has_place:
            raise GeoReportError(400, 400, "a location is required: lat and long, address_string or address_id")
        try:
            lat = float(form["lat"]) if form.get("lat") else None
            lon = float(form["long"]) if form.get("long") else None
        except ValueError:
            raise GeoReportError(400, 400, "lat and long must be numbers") from None
        name = " ".join(part for part in (form.get("first_name"), form.get("last_name")) if part) or None
        command = c.Intake(
            actor_id=None, channel="web", category=code, content=form.get("description") or "",
            caller_name=name, caller_phone=form.get("phone"), caller_id=form.get("email") or form.get("device_id"),
            address=form.get("address_string"), place_id=form.get("address_id"), lat=lat, lon=lon,
            kind="request", idempotency_key=f"open311:{form['idempotency_key']}" if form.get("idempotency_key") else None)
        try:
            outcome = self.hotline.handle(command)
        except WorkflowError as error:
            raise GeoReportError(400, 400, str(error)) from None
        return [{"service_request_id": outcome.ticket_id, "service_notice": "已受理，工单编号 " + outcome.ticket_id,
                 "account_id": None}]

    # --- GET requests, GET requests/{id} -------------------------------------------------------------------
    def requests(self, params: dict[str, str]) -> list[dict[str, Any]]:
        self._check_jurisdiction(params)
        query = select(t.tickets)
        if params.get("service_request_id"):
            ids = [part.strip() for part in params["service_request_id"].split(",") if part.strip()]
            query = query.where(t.tickets.c.ticket_id.in_(ids))
        else:
            if params.get("service_code"):
                codes = [part.strip() for part in params["service_code"].split(",") if part.strip()]
                query = query.where(t.tickets.c.category.in_(codes))
            start = self._parse_param(params, "start_date")
            end = self._parse_param(params, "end_date")
            if start:
                query = query.where(t.tickets.c.received_at >= start)
            if end:
                query = query.where(t.tickets.c.received_at <= end)
            status = params.get("status")
            if status:
                wanted = {part.strip() for part in status.split(",")}
                if not wanted <= {"open", "closed"}:
                    raise GeoReportError(400, 400, "status must be open or closed")
                if wanted == {"open"}:
                    query = query.where(t.tickets.c.status.in_(sorted(OPEN_STATES)))
                elif wanted == {"closed"}:
                    query = query.where(t.tickets.c.status.not_in(sorted(OPEN_STATES)))
        query = query.order_by(t.tickets.c.received_at.desc()).limit(MAX_LISTED)
        with self.hotline.engine.connect() as connection:
            rows = connection.execute(query).all()
        org = self.hotline.organisation()
        return [self._request(row, org) for row in rows]

    def request(self, request_id: str, params: dict[str, str]) -> list[dict[str, Any]]:
        found = self.requests({**params, "service_request_id": request_id})
        if not found:
            raise GeoReportError(404, 404, f"service_request_id {request_id} not found")
        return found

    def _parse_param(self, params: dict[str, str], name: str) -> datetime | None:
        if not params.get(name):
            return None
        try:
            at = datetime.fromisoformat(params[name].replace("Z", "+00:00"))
        except ValueError:
            raise GeoReportError(400, 400, f"{name} must be a W3C date-time") from None
        return at.astimezone(self.zone).replace(tzinfo=None) if at.tzinfo else at

    def _request(self, row, org) -> dict[str, Any]:
        category = org.category(row.category)
        unit = org.unit(row.lead_unit_id)
        return {
            "service_request_id": row.ticket_id,
            "status": "open" if row.status in OPEN_STATES else "closed",
            "status_notes": STATE_NAMES.get(row.status, row.status),
            "service_name": category.name if category else row.category,
            "service_code": row.category,
            "description": row.content,
            "agency_responsible": unit.name if unit else row.lead_unit_id,
            "service_notice": None,
            "requested_datetime": self._time(row.received_at),
            "updated_datetime": self._time(row.updated_at),
            "expected_datetime": self._time(row.due_at),
            "address": row.address,
            "address_id": row.place_id,
            "zipcode": None,
            "lat": row.lat,
            "long": row.lon,
            "media_url": None,
        }
