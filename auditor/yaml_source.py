"""Load YAML keeping the line of every key, and turn pydantic errors into file:line messages.

PyYAML silently keeps the last of two duplicate keys; here a duplicate is an error. Validation
errors from pydantic carry a path (`profiles.0.purposes.1`); `locate` maps it back to a line.

Every YAML file the auditor reads (configuration, profiles, rules; the waivers live in the
configuration) is read here, within two bounds: its size (`MAX_YAML_FILE`, 16 MiB) and the nesting
of its collections (`MAX_DEPTH` levels). PyYAML composes nested collections recursively: without the
bound, a file nested 20,000 deep ends in a RecursionError rather than a message at its line.
"""

from __future__ import annotations

import copy
import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from auditor.errors import AuditorError
from auditor.sources.text_files import MAX_YAML_FILE, read_text

M = TypeVar("M", bound=BaseModel)


class LineDict(dict[str, Any]):
    """A mapping that remembers the line of each key (1-based) and its own line."""

    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]


MAX_DEPTH = 100  # nested mappings and lists; the deepest bundled file uses 6


class _Loader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.depth >= MAX_DEPTH and not self.check_event(yaml.AliasEvent, yaml.ScalarEvent):
            raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels",
                                              self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark)
        key = str(key)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {result.key_lines[key]})",
                key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """A date-looking scalar that is no date (2026-13-45) is an error at its line, not a crash."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as err:
        raise yaml.constructor.ConstructorError(None, None, f"invalid date {node.value!r} ({err})",
                                                node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


# Parsed texts, by their content: the rules, profiles and lexicons are read again by every audit of a
# process, and PyYAML's pure-Python parser costs about a second for them where a copy of the parsed
# tree costs a tenth of that. Each caller gets its own copy (line numbers included).
_PARSED: dict[str, Any] = {}
_PARSED_MAX = 256


def load_yaml_text(text: str, file: str, error: type[AuditorError]) -> Any:
    if text not in _PARSED:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[text] = _parse(text, file, error)
    return copy.deepcopy(_PARSED[text])


def _parse(text: str, file: str, error: type[AuditorError]) -> Any:
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problem = err.problem or str(err)
        if "\t" in text and "found character '\\t'" in problem:
            problem = "tab character used for indentation; use spaces"
        raise error(f"invalid YAML: {problem}", file=file, line=line) from None
    except yaml.YAMLError as err:
        raise error(f"invalid YAML: {err}", file=file) from None


def load_yaml_file(path: Path, error: type[AuditorError]) -> Any:
    try:
        text, _ = read_text(path, MAX_YAML_FILE, "a YAML file")
    except AuditorError as err:
        raise error(err.message, file=str(path)) from None
    return load_yaml_text(text, str(path), error)


def locate(data: Any, loc: tuple[int | str, ...]) -> int | None:
    """The line of the deepest element of `loc` found in `data` (a LineDict/LineList tree)."""
    line: int | None = getattr(data, "line", None)
    node = data
    for part in loc:
        if isinstance(node, LineDict) and str(part) in node:
            line = node.key_lines.get(str(part), line)
            node = node[str(part)]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return line


def _message(err: ErrorDetails, fields: set[str], shape: str | None = None) -> str:
    msg = str(err["msg"])
    if err["type"] == "extra_forbidden":
        key = str(err["loc"][-1])
        close = difflib.get_close_matches(key, sorted(fields), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown key {key!r}{hint}"
    if err["type"] == "string_pattern_mismatch":  # a closed list written as a pattern: name its values
        choices = _CHOICES.match(str((err.get("ctx") or {}).get("pattern", "")))
        if choices:
            value = err.get("input")
            return f"{value!r} is not one of: {', '.join(choices.group(1).split('|'))}"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    if shape and err["type"] in {"list_type", "dict_type", "model_type", "model_attributes_type"}:
        return f"expected {shape}, not {_kind(err.get('input'))}"
    return msg


def validate(model: type[M], data: Any, file: str, error: type[AuditorError],
             lines: Any = None) -> M:
    """Validate `data` against `model`; raise `error` naming the file, line and key path.

    `lines` is the LineDict tree to take line numbers from, when `data` was derived from it.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # an unknown key usually explains a "field required" next to it (a typo): report it first
        errors.sort(key=lambda e: e["type"] != "extra_forbidden")
        found = []
        for err in errors:
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function")))
            parent = _model_at(model, loc[:-1])
            fields = set(parent.model_fields) if parent else set()
            found.append(error(_message(err, fields, _shape(model, loc)), file=file,
                               line=locate(data if lines is None else lines, loc),
                               key=".".join(str(p) for p in loc) or None))
        raise error(found[0].message, file=found[0].file, line=found[0].line, key=found[0].key,
                    also=found[1:]) from None


_KINDS: list[tuple[type | tuple[type, ...], str]] = [
    (str, "a text"), (bool, "yes/no"), ((int, float), "a number"), (list, "a list"), (dict, "a mapping")]


def _kind(value: object) -> str:
    """What a YAML value is, in words."""
    if value is None:
        return "nothing"
    return next((words for kinds, words in _KINDS if isinstance(value, kinds)), "another value")


_CHOICES = re.compile(r"^\^\(([\w|.\-]+)\)\$$")


def _shape(model: type[BaseModel], loc: tuple[int | str, ...]) -> str | None:
    """What the value at `loc` should look like, for a value of the wrong type: `a list of {id,
    purposes}`, `a mapping of {files, dialect}`; None when nothing more can be said."""
    if not loc or isinstance(loc[-1], int):
        return None
    parent = _model_at(model, loc[:-1])
    fields = getattr(parent, "model_fields", {}) if parent else {}
    field = fields.get(str(loc[-1])) or next((f for f in fields.values() if f.alias == str(loc[-1])), None)
    if field is None:
        return None
    annotation = field.annotation
    inner = _inner_model(annotation)
    keys = ""
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        names = [f.alias or n for n, f in inner.model_fields.items()]
        keys = "{" + ", ".join(names[:6]) + (", …" if len(names) > 6 else "") + "}"
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        origin = typing.get_origin(args[0])
    if origin is list:
        return f"a list of {keys}" if keys else "a list"
    if origin is dict:
        return f"a mapping of names to {keys}" if keys else "a mapping"
    return f"a mapping of {keys}" if keys else None
def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The pydantic model class reached by following `loc` (for 'did you mean' hints)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(str(part))
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
