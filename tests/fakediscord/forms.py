"""What a person fills in: a command's options, the component they press, a modal's fields.

Each function checks what Discord's client would refuse (a missing required option, a value
not offered, a text too long), so a test cannot send what no user could.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def option_values(
    path: str, definitions: list[dict[str, Any]], values: dict[str, Any], focused: str | None
) -> list[dict[str, Any]]:
    """The ``options`` of ``/path`` as Discord sends them, from ``{name: value}``."""
    by_name = {d["name"]: d for d in definitions}
    options = []
    for name, value in values.items():
        definition = by_name.get(name)
        if definition is None:
            raise AssertionError(f"/{path} has no option {name!r}; it has {sorted(by_name)}")
        option: dict[str, Any] = {"name": name, "type": definition["type"], "value": value}
        if name == focused:
            # While typing, Discord sends the partial text whatever the option's type.
            option["focused"] = True
            option["value"] = str(value)
        elif definition["type"] in (6, 7, 8, 9, 11):
            option["value"] = str(value)
        options.append(option)
    missing = [d["name"] for d in definitions if d.get("required") and d["name"] not in values]
    if missing and focused is None:
        raise AssertionError(f"/{path} needs {missing}; Discord would not let the user send it")
    return options


def _walk(components: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    for component in components:
        yield component
        yield from _walk(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            yield from _walk([component["component"]])
        if isinstance(component.get("accessory"), dict):
            yield component["accessory"]


def find_component(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    """The component ``custom_id`` on ``message`` (fails, listing the ids it has)."""
    for component in _walk(message.get("components") or []):
        if component.get("custom_id") == custom_id:
            return component
    ids = [c.get("custom_id") for c in _walk(message.get("components") or []) if c.get("custom_id")]
    raise AssertionError(f"no component {custom_id!r} on the message; it has {ids}")


def fill_modal(modal: dict[str, Any], values: dict[str, Any]) -> list[dict[str, Any]]:
    """The submitted components of ``modal``, mirroring its layout, with ``values`` entered.

    ``values`` is keyed by a field's custom id or by its label (discord.py makes up random
    custom ids for fields, so a test names them as the person sees them). A text input takes
    a string, a select a list of option values (default: its preselected options).
    """
    unused = set(values)

    def given(component: dict[str, Any], label: str | None) -> Any:
        for key in (component.get("custom_id"), label, component.get("label")):
            if key is not None and key in values:
                unused.discard(key)
                return values[key]
        return None

    def text_input(component: dict[str, Any], label: str | None) -> dict[str, Any]:
        name = label or component.get("label") or component["custom_id"]
        value = given(component, label)
        value = component.get("value") or "" if value is None else str(value)
        if component.get("required", True) and not value:
            raise AssertionError(f"modal field {name!r} is required")
        if len(value) > component.get("max_length", 4000):
            raise AssertionError(f"modal field {name!r} allows {component['max_length']} chars")
        if value and len(value) < component.get("min_length", 0):
            raise AssertionError(f"modal field {name!r} needs {component['min_length']} chars")
        return {
            "type": 4,
            "id": component.get("id", 0),
            "custom_id": component["custom_id"],
            "value": value,
        }

    def select(component: dict[str, Any], label: str | None) -> dict[str, Any]:
        name = label or component["custom_id"]
        picked = given(component, label)
        options = component.get("options") or []
        if picked is None:
            picked = [o["value"] for o in options if o.get("default")]
        picked = [picked] if isinstance(picked, str) else list(picked)
        offered = {o["value"] for o in options}
        if component["type"] == 3 and not set(picked) <= offered:
            raise AssertionError(f"modal select {name!r}: {picked} not among {sorted(offered)}")
        if len(picked) < component.get("min_values", 1) and component.get("required", True):
            raise AssertionError(f"modal select {name!r} needs a choice")
        return {
            "type": component["type"],
            "id": component.get("id", 0),
            "custom_id": component["custom_id"],
            "values": picked,
        }

    def answer(component: dict[str, Any], label: str | None = None) -> dict[str, Any]:
        if component["type"] == 4:
            return text_input(component, label)
        if component["type"] in (3, 5, 6, 7, 8):
            return select(component, label)
        return {"type": component["type"], "id": component.get("id", 0)}

    submitted = []
    for row in modal.get("components") or []:
        if row["type"] == 1:
            inner = [answer(c) for c in row["components"]]
            submitted.append({"type": 1, "id": row.get("id", 0), "components": inner})
        elif row["type"] == 18:
            inner_one = answer(row["component"], row.get("label"))
            submitted.append({"type": 18, "id": row.get("id", 0), "component": inner_one})
        else:
            submitted.append({"type": row["type"], "id": row.get("id", 0)})
    if unused:
        raise AssertionError(f"the modal has no fields {sorted(unused)}")
    return submitted
