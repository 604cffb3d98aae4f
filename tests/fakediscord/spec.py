"""Check what the bot sends against Discord's own OpenAPI description of its HTTP API.

The spec (``<repo>/../shared/discord-api/openapi.json``, 1.2 MB) is parsed once per process;
one validator per operation is built on first use and kept.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
# In CI the repository is cloned somewhere else with a copy of shared/ beside it, so the spec is
# always looked up next to the repository, never at an absolute path.
SPEC_PATH = REPO / ".." / "shared" / "discord-api" / "openapi.json"
SPEC_URI = "urn:discord:openapi"
API_PREFIX = "/api/v10"


@dataclass(frozen=True)
class Operation:
    """One operation of the spec: its path template and method, and what its body must be."""

    template: str
    method: str
    body_schemas: dict[str, str]  # content type -> JSON pointer of the request body schema


def _pointer(*parts: str) -> str:
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


class Spec:
    """Discord's OpenAPI spec: find the operation of a request, validate its JSON body."""

    def __init__(self, document: dict[str, Any]) -> None:
        schemas = document["components"]["schemas"]
        # The spec types snowflakes as decimal strings, but Discord accepts JSON integers too
        # and discord.py sends some as integers (message_reference.message_id); the docs win.
        schemas["SnowflakeType"] = {
            "anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]
        }
        self.document = document
        self.registry: Registry = Registry().with_resource(
            SPEC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
        )
        # (segments, method) -> operation; literal segments are matched before parameters so
        # ".../messages/@original" wins over ".../messages/{message_id}".
        self._routes: list[tuple[tuple[str, ...], int, Operation]] = []
        for template, item in document["paths"].items():
            segments = tuple(template.strip("/").split("/"))
            literal = sum(1 for s in segments if not s.startswith("{"))
            for method, op in item.items():
                if method == "parameters" or not isinstance(op, dict):
                    continue
                content = (op.get("requestBody") or {}).get("content") or {}
                schemas = {
                    ctype: _pointer("paths", template, method, "requestBody", "content", ctype)
                    + "/schema"
                    for ctype in content
                }
                self._routes.append(
                    (segments, literal, Operation(template, method.upper(), schemas))
                )
        self._routes.sort(key=lambda r: -r[1])

    def operation(self, method: str, path: str) -> Operation | None:
        """The operation for ``method path`` (path without ``/api/v10``), or None if unknown."""
        segments = tuple(path.strip("/").split("/"))
        for template, _, op in self._routes:
            if op.method != method.upper() or len(template) != len(segments):
                continue
            if all(t.startswith("{") or t == s for t, s in zip(template, segments, strict=True)):
                return op
        return None

    @functools.cache  # noqa: B019 - one Spec per process; the cache is the point
    def _validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry)

    def problems(
        self, op: Operation, body: Any, content_type: str = "application/json"
    ) -> list[str]:
        """Every way ``body`` breaks the schema of ``op``, as readable lines (empty: valid)."""
        pointer = op.body_schemas.get(content_type)
        if pointer is None:
            if body is None:
                return []
            return [f"{op.method} {op.template} takes no {content_type} body, got one"]
        errors = list(self._validator(pointer).iter_errors(body))
        lines: list[str] = []
        for error in errors:
            lines.extend(_describe(leaf) for leaf in _leaves(error))
        unique = list(dict.fromkeys(lines))
        return unique[:10] + ([f"…and {len(unique) - 10} more"] if len(unique) > 10 else [])


def _leaves(error: ValidationError) -> list[ValidationError]:
    """The errors that explain ``error``: inside an anyOf/oneOf, those of the closest branch.

    Discord's unions (a callback is one of seven request shapes) fail as a whole; the branch
    whose errors lie deepest in the body is the one the bot meant to send.
    """
    if not error.context:
        return [error]
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    candidates = [[leaf for sub in errs for leaf in _leaves(sub)] for errs in branches.values()]

    def closeness(leaves: list[ValidationError]) -> tuple[bool, int, int]:
        # A branch whose "type" discriminator or whose JSON type does not match (the null of
        # a nullable object) is the wrong shape altogether, however few its errors.
        right_shape = not any(
            (e.validator in ("enum", "const") and list(e.path)[-1:] == ["type"])
            or (e.validator == "type" and e.absolute_path == error.absolute_path)
            for e in leaves
        )
        return right_shape, -len(leaves), max(len(e.absolute_path) for e in leaves)

    return max(candidates, key=closeness)


def _describe(error: ValidationError) -> str:
    instance = error.instance
    if error.validator in ("maxLength", "minLength") and isinstance(instance, str):
        what = f"{error.validator} {error.validator_value} violated (length {len(instance)})"
    elif error.validator in ("maxItems", "minItems") and isinstance(instance, list):
        what = f"{error.validator} {error.validator_value} violated ({len(instance)} items)"
    else:
        what = error.message if len(error.message) <= 240 else error.message[:240] + "…"
    return f"{error.json_path}: {what}"


@functools.cache
def load_spec(path: Path = SPEC_PATH) -> Spec | None:
    """The parsed spec, or None (with a warning) when the file is not beside the repository."""
    resolved = path.resolve()
    if not resolved.is_file():
        log.warning("Discord OpenAPI spec not found at %s; request bodies are not validated", path)
        return None
    return Spec(json.loads(resolved.read_text(encoding="utf-8")))


def strip_prefix(path: str) -> str:
    """``/api/v10/users/@me`` -> ``/users/@me``."""
    return re.sub(rf"^{re.escape(API_PREFIX)}", "", path) or "/"
