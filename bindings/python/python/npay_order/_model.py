"""The behaviour shared by every generated model and enum (``_generated/``): reading the API's
JSON, writing it back (``to_dict()``), a readable ``repr``, open enums, and turning request
items given as models or dicts (snake_case or camelCase keys) into the API's JSON.

The generated classes only declare their fields: each lists ``(attribute, json_key, kind)`` in
``_FIELDS``, and the kinds below say how a value is read and written.

Answers are read lazily. The native layer hands over a call's data as :class:`JsonNode` handles
(the parsed JSON stays in Rust); a model made from one keeps it and converts a field the first
time it is read, then stores the value in the field's slot, so the next read is a plain attribute
access. A caller who looks at three fields of 300 product orders pays for those, not for every
field of every order. Equality, ``repr``, ``to_dict()`` and pickling read every field first, so
they behave as if the model had been filled eagerly.
"""

from __future__ import annotations

import datetime as _dt
import sys

from ._errors import InvalidRequestError
from ._native import JsonNode

# `typing` is for type checkers only: importing it (and the `re` it pulls in) would double the
# time `import npay_order` takes.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, Callable, ClassVar, Dict, List, Mapping, Optional, Tuple, Type, TypeVar, Union

    from ._enum import OpenEnum

    T = TypeVar("T")
    M = TypeVar("M", bound="Model")

    #: What date-time arguments accept: a ``datetime`` (naive = KST) or an ISO-8601 string.
    DateTimeInput = Union[_dt.datetime, str]

__all__ = ["Model", "KST"]

#: Korea Standard Time: naive datetimes are read in it, and every date-time is sent in it.
KST = _dt.timezone(_dt.timedelta(hours=9), "KST")

_NINE_HOURS = _dt.timedelta(hours=9)


def format_datetime(value: _dt.datetime) -> str:
    """``2026-11-27T14:03:11.120+09:00``: naive values are KST, aware ones are converted to it."""
    value = value.replace(tzinfo=KST) if value.utcoffset() is None else value.astimezone(KST)
    return value.isoformat(timespec="milliseconds")


def parse_datetime(text: str) -> _dt.datetime:
    """An ISO-8601 date-time of the API (always with an offset) as an aware ``datetime``."""
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    value = _dt.datetime.fromisoformat(text)
    offset = value.utcoffset()
    if offset is None or offset == _NINE_HOURS:
        return value.replace(tzinfo=KST)
    return value


class Kind:
    """How the values of one field are read from JSON and written back."""

    def load(self, value: Any) -> Any:
        return value

    def dump(self, value: Any) -> Any:
        return value


class DateTimeKind(Kind):
    def load(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse_datetime(value)
            except ValueError:
                return value  # never fail a read over a date format: keep the text
        return value

    def dump(self, value: Any) -> Any:
        return format_datetime(value) if isinstance(value, _dt.datetime) else value


class DateKind(Kind):
    def load(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return _dt.date.fromisoformat(value)
            except ValueError:
                return value
        return value

    def dump(self, value: Any) -> Any:
        if isinstance(value, _dt.datetime):
            return value.date().isoformat()
        return value.isoformat() if isinstance(value, _dt.date) else value


class EnumKind(Kind):
    """Values of the enumeration ``name`` of ``module``, looked up on first use (the generated
    enumerations are built lazily)."""

    def __init__(self, module: ModuleType, name: str) -> None:
        self.module = module
        self.name = name
        self._enum: Optional[Type[OpenEnum]] = None

    def load(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        enum = self._enum
        if enum is None:
            enum = self._enum = getattr(self.module, self.name)
        # The member map first: calling the class costs ten times more for a known value.
        member = enum._value2member_map_.get(value)
        return member if member is not None else enum(value)

    def dump(self, value: Any) -> Any:
        # A member was made by `enum`, so the module is loaded if there is a member to unwrap.
        enum = sys.modules.get("enum")
        return value.value if enum is not None and isinstance(value, enum.Enum) else value


class ModelKind(Kind):
    def __init__(self, model: Type["Model"]) -> None:
        self.model = model

    def load(self, value: Any) -> Any:
        if type(value) is JsonNode:
            return self.model._lazy(value)
        return self.model.from_dict(value) if isinstance(value, dict) else value

    def dump(self, value: Any) -> Any:
        return self.model.coerce(value, self.model.__name__)


class ListKind(Kind):
    def __init__(self, inner: Kind) -> None:
        self.inner = inner

    def load(self, value: Any) -> Any:
        return [self.inner.load(v) for v in value] if isinstance(value, list) else value

    def dump(self, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [self.inner.dump(v) for v in value]
        return value


PLAIN = Kind()
DATETIME = DateTimeKind()
DATE = DateKind()


class Field:
    """One field of a model: its Python attribute, its JSON key and its kind."""

    __slots__ = ("attr", "key", "kind")

    def __init__(self, attr: str, key: str, kind: Kind) -> None:
        self.attr = attr
        self.key = key
        self.kind = kind


# How `Model.__getattr__` reads a field (see `Model._LAZY`).
_PLAIN, _MODEL, _CALL = 0, 1, 2


class Model:
    """Base of the generated models: snake_case attributes, ``to_dict()`` giving the API's JSON
    (camelCase keys, absent values left out), ``from_dict()`` reading it, equality by value and a
    ``repr`` that shows only the fields that are set."""

    # Field values live in the instance's `__dict__` (the generated classes declare no slots), so
    # that a field not read yet is simply absent: reading it falls through to `__getattr__`
    # without an exception, and `to_dict()` can tell read fields from unread ones for free.
    # `_raw`: the answer's JSON object the unread fields come from (models made from an answer
    # only; unset otherwise).
    __slots__ = ("_raw", "__dict__")

    _FIELDS: ClassVar[Tuple[Field, ...]] = ()
    _raw: JsonNode

    @classmethod
    def _lazy(cls: Type[M], raw: JsonNode) -> M:
        """A model over an answer's object: each field is converted when first read."""
        model = cls.__new__(cls)
        model._raw = raw
        return model

    #: attribute → (JSON key, how to read it: `_PLAIN`, `_MODEL` (then the model class) or
    #: `_CALL` (then the kind's `load`)); built per class on first use.
    _LAZY: ClassVar[Optional[Dict[str, Tuple[str, int, Any]]]] = None

    if not TYPE_CHECKING:  # to type checkers, a misspelt attribute must stay an error

        def __getattr__(self, name: str) -> Any:
            # Called only for a name that is not in the instance: a field not read yet. Kept to
            # a minimum of calls: it runs once for every field a program reads.
            table = type(self)._LAZY
            if table is None:
                table = type(self)._lazy_table()
            entry = table.get(name)
            if entry is not None:
                try:
                    raw = self._raw
                except AttributeError:  # made by the constructor, with this field deleted
                    raw = None
                if raw is not None:
                    key, how, arg = entry
                    value = raw.get(key)
                    if value is not None and how:
                        if how == _MODEL and type(value) is JsonNode:
                            model = arg.__new__(arg)
                            model._raw = value
                            value = model
                        else:
                            value = arg(value)
                    self.__dict__[name] = value
                    return value
            elif not name.startswith("_"):
                # A field the spec does not know (Naver added it): readable by its JSON name or
                # its snake_case form, as plain Python values. Type checkers do not see it.
                value = _unknown_field(self, name)
                if value is not None:
                    return value
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @classmethod
    def _lazy_table(cls) -> Dict[str, Tuple[str, int, Any]]:
        table: Dict[str, Tuple[str, int, Any]] = {}
        for field in cls._FIELDS:
            kind = field.kind
            if type(kind) is Kind:
                table[field.attr] = (field.key, _PLAIN, None)
            elif type(kind) is ModelKind:
                table[field.attr] = (field.key, _MODEL, kind.model)
            else:
                table[field.attr] = (field.key, _CALL, kind.load)
        cls._LAZY = table
        return table

    @classmethod
    def _loaders(cls) -> Tuple[Tuple[str, str, Optional[Callable[[Any], Any]]], ...]:
        # Built once per class: plain fields need no call at all, which is most of them.
        loaders = cls.__dict__.get("_LOADERS")
        if loaders is None:
            loaders = tuple((f.attr, f.key, None if type(f.kind) is Kind else f.kind.load) for f in cls._FIELDS)
            setattr(cls, "_LOADERS", loaders)
        result: Tuple[Tuple[str, str, Optional[Callable[[Any], Any]]], ...] = loaders
        return result

    @classmethod
    def from_dict(cls: Type[M], data: Mapping[str, Any]) -> M:
        """Reads the API's JSON shape (camelCase keys); unknown keys are ignored."""
        model = cls.__new__(cls)
        get = data.get
        for attr, key, load in cls._loaders():
            value = get(key)
            if value is not None and load is not None:
                value = load(value)
            object.__setattr__(model, attr, value)
        return model

    def to_dict(self) -> Dict[str, Any]:
        """The API's JSON shape: camelCase keys, date-times as ISO-8601 strings, enums as their
        values; fields that are ``None`` are left out."""
        try:
            raw: Optional[JsonNode] = self._raw
        except AttributeError:
            raw = None
        values = self.__dict__
        if raw is not None and not values:
            # Nothing read or set: the answer's JSON is already this shape (the core wrote it
            # from the same schema), so it is converted in one native pass.
            whole: Dict[str, Any] = raw.to_py()
            return whole
        out: Dict[str, Any] = {}
        for field in self._FIELDS:
            if field.attr in values:
                value = values[field.attr]
                if value is not None:
                    out[field.key] = field.kind.dump(value)
            elif raw is not None:
                value = raw.get_py(field.key)
                if value is not None:
                    out[field.key] = value
        if raw is not None:
            # Fields the spec does not know stay in the JSON shape.
            known = {field.key for field in self._FIELDS}
            for key, value in raw.to_py().items():
                if key not in known and value is not None:
                    out[key] = value
        return out

    @classmethod
    def _field(cls, name: str) -> Optional[Field]:
        lookup: Optional[Dict[str, Field]] = cls.__dict__.get("_LOOKUP")
        if lookup is None:
            lookup = {}
            for field in cls._FIELDS:
                lookup[field.key] = field
                lookup[field.attr] = field
            setattr(cls, "_LOOKUP", lookup)
        return lookup.get(name)

    @classmethod
    def coerce(cls, value: object, where: str) -> object:
        """A request item given as this model, or as a dict with snake_case or camelCase keys, as
        the API's JSON. An unknown key raises :class:`InvalidRequestError`; anything that is
        neither is passed on for the native layer to reject with the argument's name."""
        from collections.abc import Mapping  # here: only request items need it

        if isinstance(value, cls):
            return value.to_dict()
        if isinstance(value, Mapping):
            out: Dict[str, Any] = {}
            for key, item in value.items():
                field = cls._field(key) if isinstance(key, str) else None
                if field is None:
                    known = ", ".join(f.attr for f in cls._FIELDS)
                    message = f"unknown field {key!r} of {cls.__name__} (expected {known})"
                    raise InvalidRequestError(
                        f"invalid request: {where}: {message}",
                        invalid_inputs=[{"name": where, "kind": "client", "message": message}],
                    )
                if item is not None:
                    out[field.key] = field.kind.dump(item)
            return out
        return value

    @classmethod
    def coerce_list(cls, value: object, where: str) -> object:
        """:meth:`coerce` for each item of a list or tuple."""
        if isinstance(value, (list, tuple)):
            return [cls.coerce(item, f"{where}[{i}]") for i, item in enumerate(value)]
        return value

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, f.attr) == getattr(other, f.attr) for f in self._FIELDS)

    def __reduce__(self) -> Tuple[Any, ...]:
        # By field values: the native JSON a lazy model reads from cannot be pickled or copied.
        return (_restore, (type(self), tuple(getattr(self, f.attr) for f in self._FIELDS)))

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        shown = []
        for field in self._FIELDS:
            value = getattr(self, field.attr)
            if value is not None:
                shown.append(f"{field.attr}={_show(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _unknown_field(model: "Model", name: str) -> Any:
    """The value of a field the answer has but the model does not declare, or ``None``."""
    try:
        raw = model._raw
    except AttributeError:
        return None
    if raw is None:
        return None
    value = raw.get_py(name)
    if value is None and "_" in name:
        value = raw.get_py(_camel(name))
    return value


def _restore(cls: Type[M], values: Tuple[Any, ...]) -> M:
    model = cls.__new__(cls)
    for field, value in zip(cls._FIELDS, values):
        object.__setattr__(model, field.attr, value)
    return model


def _show(value: Any) -> str:
    # Date-times as ISO text: `datetime.datetime(2026, 11, 27, …, tzinfo=…)` buries the value.
    if isinstance(value, _dt.datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)


def parse_model(model: Type[M]) -> Callable[[Any], M]:
    """Reads a response's ``data`` (a :class:`JsonNode`) as ``model``, lazily."""
    return model._lazy


def parse_list(inner: Callable[[Any], T]) -> Callable[[Any], List[T]]:
    """Reads a response's ``data`` as a list of ``inner``."""

    def parse(data: Any) -> List[T]:
        return [inner(item) for item in data]

    return parse


def parse_plain(_type: Type[T]) -> Callable[[Any], T]:
    """Takes a response's ``data`` as it is (strings, numbers)."""

    def parse(data: Any) -> T:
        value: T = data.to_py() if type(data) is JsonNode else data
        return value

    return parse


def compact(required: Mapping[str, Any], optional: Mapping[str, Any]) -> Dict[str, Any]:
    """An operation's parameters: every required one, and the optional ones that are not
    ``None`` (``None`` means "not sent"). A required one that is ``None`` raises
    :class:`InvalidRequestError` naming it."""
    missing = [key for key, value in required.items() if value is None]
    if missing:
        message = "required, got None"
        raise InvalidRequestError(
            "invalid request: " + "; ".join(f"{key}: {message}" for key in missing),
            invalid_inputs=[{"name": key, "kind": "client", "message": message} for key in missing],
        )
    params = dict(required)
    for key, value in optional.items():
        if value is not None:
            params[key] = value
    return params

