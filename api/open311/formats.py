"""Open311 answers as JSON or XML, with the spec's element names and its error list."""

from datetime import datetime
from xml.etree import ElementTree

from fastapi.responses import JSONResponse, Response

from workflows.deadlines.dates import LOCAL_TZ

FORMATS = ("json", "xml")
# The XML root and the element for each item, per answer.
ROOTS = {
    "services": ("services", "service"),
    "requests": ("service_requests", "request"),
    "errors": ("errors", "error"),
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value)
    return str(value)


def w3c(value: datetime) -> str:
    """The spec's datetime: local time with its offset, e.g. 2026-11-28T09:30:00+07:00."""
    return value.astimezone(LOCAL_TZ).isoformat(timespec="seconds")


def _json_value(value):
    if isinstance(value, datetime):
        return w3c(value)
    return value


def _element(parent: ElementTree.Element, name: str, value) -> None:
    child = ElementTree.SubElement(parent, name)
    if isinstance(value, list):  # service attributes
        for item in value:
            node = ElementTree.SubElement(child, "attribute")
            for key, inner in item.items():
                _element(node, key, inner)
    else:
        child.text = _text(value)


def _xml(root: ElementTree.Element, status_code: int) -> Response:
    body = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, status_code=status_code, media_type="text/xml; charset=utf-8")


def answer_list(kind: str, items: list[dict], fmt: str, status_code: int = 200) -> Response:
    if fmt == "xml":
        root_name, item_name = ROOTS[kind]
        root = ElementTree.Element(root_name)
        for item in items:
            node = ElementTree.SubElement(root, item_name)
            for key, value in item.items():
                _element(node, key, value)
        return _xml(root, status_code)
    content = [{key: _json_value(value) for key, value in item.items()} for item in items]
    return JSONResponse(content, status_code=status_code)


def answer_definition(item: dict, fmt: str) -> Response:
    if fmt == "xml":
        root = ElementTree.Element("service_definition")
        for key, value in item.items():
            _element(root, key, value)
        return _xml(root, 200)
    return JSONResponse(item)


def errors(status_code: int, description: str, fmt: str) -> Response:
    """The spec's error answer: a list of {code, description}."""
    fmt = fmt if fmt in FORMATS else "json"
    return answer_list(
        "errors", [{"code": status_code, "description": description}], fmt, status_code
    )
