"""GeoReport v2 over HTTP as a WSGI application (standard library only), JSON or XML by the path's
extension. Mount it under any prefix (e.g. `/open311/v2`) in whatever web server the centre runs.

    GET  /services.{json|xml}                 service list
    GET  /services/{service_code}.{fmt}       service definition
    POST /requests.{fmt}                      create a service request (form-encoded)
    GET  /requests.{fmt}                      request list (service_request_id, service_code, start_date,
                                              end_date, status)
    GET  /requests/{service_request_id}.{fmt} one request
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable
from urllib.parse import parse_qs, unquote
from xml.sax.saxutils import escape

from rexian.open311.georeport import GeoReport, GeoReportError

ROUTE = re.compile(r"^/(services|requests)(?:/([^/]+?))?\.(json|xml)$")
XML_ROOTS = {"services": ("services", "service"), "service_definition": ("service_definition", None),
             "requests": ("service_requests", "request"), "errors": ("errors", "error")}


def _xml_value(name: str, value: Any) -> str:
    if isinstance(value, list):
        inner = "".join(_xml_value("attribute" if name == "attributes" else "value", item) for item in value)
        return f"<{name}>{inner}</{name}>"
    if isinstance(value, dict):
        return f"<{name}>" + "".join(_xml_value(k, v) for k, v in value.items()) + f"</{name}>"
    if value is None:
        return f"<{name}/>"
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"<{name}>{escape(text)}</{name}>"


def to_xml(kind: str, body: Any) -> str:
    root, item = XML_ROOTS[kind]
    if item is None:
        inner = "".join(_xml_value(k, v) for k, v in body.items())
    else:
        inner = "".join(_xml_value(item, entry) for entry in body)
    return f'<?xml version="1.0" encoding="utf-8"?><{root}>{inner}</{root}>'


def _form(environ) -> dict[str, str]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length).decode("utf-8") if length else ""
    return {key: values[-1] for key, values in parse_qs(body, keep_blank_values=False).items()}


def make_app(georeport: GeoReport) -> Callable:
    def app(environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        match = ROUTE.match(unquote(environ.get("PATH_INFO", "")))
        fmt = match.group(3) if match else "json"
        params = {key: values[-1] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            if not match:
                raise GeoReportError(404, 404, "no such endpoint")
            collection, item = match.group(1), match.group(2)
            if collection == "services" and method == "GET":
                kind, status = ("service_definition", 200) if item else ("services", 200)
                body = georeport.service_definition(item, params) if item else georeport.services(params)
            elif collection == "requests" and method == "POST" and not item:
                kind, status, body = "requests", 201, georeport.create_request({**params, **_form(environ)})
            elif collection == "requests" and method == "GET":
                kind, status = "requests", 200
                body = georeport.request(item, params) if item else georeport.requests(params)
            else:
                raise GeoReportError(405, 405, f"{method} not allowed here")
        except GeoReportError as error:
            kind, status, body = "errors", error.status, [{"code": error.code, "description": error.description}]
        if fmt == "xml":
            payload, content_type = to_xml(kind, body), "text/xml; charset=utf-8"
        else:
            payload, content_type = json.dumps(body, ensure_ascii=False), "application/json; charset=utf-8"
        data = payload.encode("utf-8")
        reason = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
        start_response(f"{status} {reason.get(status, '')}",
                       [("Content-Type", content_type), ("Content-Length", str(len(data)))])
        return [data]

    return app
