"""The OpenAPI description of the HTTP API (served at ``/openapi.json``).

Its response shapes are the JSON schemas the command line's documents already follow
(``docs/json/check.schema.json``, ``history.schema.json``, ``findings.schema.json``,
shipped in the package), so the API and ``--format json`` cannot drift apart: each
schema's ``$defs`` become components of their own, named after the schema.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from attribution import __version__
from attribution.app.outcomes import FAIL_ON
from attribution.records import FINDING_STATUSES, Severity

SCHEMAS = {"check": "Check", "history": "History", "findings": "Findings"}
MAX_HISTORY = 1000
MAX_FINDINGS = 10000


def schemas_dir() -> Path:
    """The folder of the JSON schemas: inside the installed package, else the source
    tree's ``docs/json``."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_data" / "schemas"
    if packaged.is_dir():
        return packaged
    return package.parent / "docs" / "json"


def _components(name: str, prefix: str) -> dict[str, Any]:
    """The schema ``name`` and its ``$defs`` as components named ``prefix`` and
    ``prefix_def``, with their references rewritten to point there."""
    schema = json.loads((schemas_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))
    definitions = schema.pop("$defs", {})
    for key in ("$schema", "$id"):
        schema.pop(key, None)

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: (
                    f"#/components/schemas/{prefix}_{value.removeprefix('#/$defs/')}"
                    if key == "$ref" and isinstance(value, str) and value.startswith("#/$defs/")
                    else rewrite(value)
                )
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    found = {prefix: rewrite(schema)}
    for key, definition in definitions.items():
        found[f"{prefix}_{key}"] = rewrite(definition)
    return found


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json({"$ref": "#/components/schemas/Error"}, description)


_UNSIGNED = _error(
    "Not signed in: send Authorization: Bearer TOKEN (or sign in through the proxy)."
)
_LIMITS = {
    "401": _UNSIGNED,
    "413": _error("The request body is over the server's limit ([serve] max_body_kb)."),
    "429": _error("This client already runs as many checks as it may at once."),
}

_CHECK_REQUEST: dict[str, Any] = {
    "type": "object",
    "description": "A page to check: its url, or its html with the base_url it is published under.",
    "properties": {
        "url": {
            "type": "string",
            "description": "The http(s) address of a live or preview page to fetch.",
        },
        "html": {"type": "string", "description": "The page's HTML, checked as given."},
        "base_url": {
            "type": "string",
            "description": "The address the html is published under (its images resolve "
            "against it).",
        },
        "commercial": {
            "type": ["boolean", "null"],
            "description": "Check as commercial (true) or non-commercial use; null: the profile's.",
        },
        "read_images": {
            "type": "boolean",
            "default": True,
            "description": "Read the image files for embedded metadata (false: faster).",
        },
        "render": {
            "type": "boolean",
            "default": False,
            "description": "Load the page in headless Chromium first (pages built by scripts).",
        },
        "store": {
            "type": "boolean",
            "default": True,
            "description": "Record the check in the database (its history).",
        },
        "fail_on": {
            "enum": list(FAIL_ON),
            "default": "error",
            "description": "The lowest severity that makes the verdict 1.",
        },
        "headers": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "Request headers for a preview page behind a login (a Cookie, an "
            "Authorization), sent to the page's own host only, never recorded.",
        },
    },
    "additionalProperties": False,
}

_VERDICT: dict[str, Any] = {
    "type": "object",
    "description": "What the publishing system should act on, as the exit code of "
    "'attribution check' would say it.",
    "required": ["exit_code", "passed", "fail_on"],
    "properties": {
        "exit_code": {
            "enum": [0, 1, 3],
            "description": "0: nothing at or above fail_on, publish; 1: findings at or above "
            "it, hold the page; 3: the page could not be fetched or read.",
        },
        "passed": {"type": "boolean", "description": "Whether exit_code is 0."},
        "fail_on": {"enum": list(FAIL_ON)},
    },
    "additionalProperties": False,
}


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the API."""
    components: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {"type": "string", "description": "What went wrong."}},
        },
        "CheckRequest": _CHECK_REQUEST,
        "Verdict": _VERDICT,
        "CheckResponse": {
            "allOf": [
                {"$ref": "#/components/schemas/Check"},
                {
                    "type": "object",
                    "required": ["verdict", "run"],
                    "properties": {
                        "verdict": {"$ref": "#/components/schemas/Verdict"},
                        "run": {
                            "type": ["integer", "null"],
                            "description": "The run the check was recorded in.",
                        },
                    },
                },
            ]
        },
        "Health": {
            "type": "object",
            "required": ["status", "version"],
            "properties": {"status": {"const": "ok"}, "version": {"type": "string"}},
        },
    }
    for name, prefix in SCHEMAS.items():
        components.update(_components(name, prefix))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "attribution",
            "version": __version__,
            "description": "Check a page's images, credits and licences before it is "
            "published, and read what earlier checks recorded.",
        },
        "paths": {
            "/api/check": {
                "post": {
                    "operationId": "checkPage",
                    "summary": "Check one page (a URL, or HTML with its address).",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/CheckRequest"}
                            }
                        },
                    },
                    "responses": {
                        "200": _json(
                            {"$ref": "#/components/schemas/CheckResponse"},
                            "The attribution.check/1 document, with the verdict.",
                        ),
                        "422": _error("The request names no page, or a bad address or option."),
                        "415": _error("The body is not JSON."),
                        "503": _error("Every place for a check is taken: retry later."),
                        **_LIMITS,
                    },
                }
            },
            "/api/pages/{url}/history": {
                "get": {
                    "operationId": "pageHistory",
                    "summary": "What a page showed each time it was checked, newest first.",
                    "parameters": [
                        {
                            "name": "url",
                            "in": "path",
                            "required": True,
                            "description": "The page's address, percent-encoded.",
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "description": "Only the N most recent readings.",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_HISTORY},
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {"$ref": "#/components/schemas/History"},
                            "The page's readings (attribution history --format json).",
                        ),
                        "404": _error("No page of that address has been checked."),
                        "422": _error("A parameter is out of range."),
                        "401": _UNSIGNED,
                    },
                }
            },
            "/api/findings": {
                "get": {
                    "operationId": "listFindings",
                    "summary": "Recorded findings, most serious first (attribution findings).",
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"enum": [*FINDING_STATUSES, "all"], "default": "open"},
                        },
                        {
                            "name": "rule",
                            "in": "query",
                            "description": "Only this rule (repeatable).",
                            "schema": {"type": "array", "items": {"type": "string"}},
                            "style": "form",
                            "explode": True,
                        },
                        {
                            "name": "severity",
                            "in": "query",
                            "description": "Only this severity (repeatable).",
                            "schema": {
                                "type": "array",
                                "items": {"enum": [severity.value for severity in Severity]},
                            },
                            "style": "form",
                            "explode": True,
                        },
                        {
                            "name": "page",
                            "in": "query",
                            "description": "Only pages whose URL contains this text.",
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "since",
                            "in": "query",
                            "description": "Only findings seen on or after this day.",
                            "schema": {"type": "string", "format": "date"},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_FINDINGS},
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {"$ref": "#/components/schemas/Findings"},
                            "The findings (attribution findings --format json).",
                        ),
                        "422": _error("A parameter is out of range."),
                        "401": _UNSIGNED,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether the server answers (no sign-in needed).",
                    "security": [],
                    "responses": {
                        "200": _json({"$ref": "#/components/schemas/Health"}, "It does."),
                    },
                }
            },
        },
        "components": {
            "schemas": components,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}, {}],
    }
