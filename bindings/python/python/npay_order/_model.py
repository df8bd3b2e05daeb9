"""The behaviour shared by every generated model and enum (``_generated/``): reading the API's
JSON, writing it back (``to_dict()``), a readable ``repr``, open enums, and turning request
items given as models or dicts (snake_case or camelCase keys) into the API's JSON.

The generated classes only declare their fields: each lists ``(attribute, json_key, kind)`` in
``_FIELDS``, and the kinds below say how a value is read and written.
"""

from __future__ import annotations

import datetime as _dt
from enum import Enum
from typing import (
    Any,
    Callable,
    ClassVar,
    Dict,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)

from ._errors import InvalidRequestError

__all__ = ["Model", "OpenEnum", "KST"]

T = TypeVar("T")
M = TypeVar("M", bound="Model")

#: Korea Standard Time: naive datetimes are read in it, and every date-time is sent in it.
KST = _dt.timezone(_dt.timedelta(hours=9), "KST")

_NINE_HOURS = _dt.timedelta(hours=9)

#: What date-time arguments accept: a ``datetime`` (naive = KST) or an ISO-8601 string.
DateTimeInput = Union[_dt.datetime, str]


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


class OpenEnum(str, Enum):
    """A value of one of the API's enumerations. It *is* its wire string (``==``, ``str()``,
    formatting, JSON), and a value this version of the SDK does not know is kept as a member of
    its own (``is_known`` is then ``False``) instead of failing."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = value
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """Whether this value is one the spec of this version lists."""
        return self._value_ in type(self)._value2member_map_

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(str(self), spec)

    def __repr__(self) -> str:
        if self.is_known:
            return f"{type(self).__name__}.{self._name_}"
        return f"{type(self).__name__}({self._value_!r})"


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
    def __init__(self, enum: Type[OpenEnum]) -> None:
        self.enum = enum

    def load(self, value: Any) -> Any:
        return self.enum(value) if isinstance(value, str) else value

    def dump(self, value: Any) -> Any:
        return value.value if isinstance(value, Enum) else value


class ModelKind(Kind):
    def __init__(self, model: Type["Model"]) -> None:
        self.model = model

    def load(self, value: Any) -> Any:
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


class Field(NamedTuple):
    """One field of a model: its Python attribute, its JSON key and its kind."""

    attr: str
    key: str
    kind: Kind


class Model:
    """Base of the generated models: snake_case attributes, ``to_dict()`` giving the API's JSON
    (camelCase keys, absent values left out), ``from_dict()`` reading it, equality by value and a
    ``repr`` that shows only the fields that are set."""

    __slots__ = ()

    _FIELDS: ClassVar[Tuple[Field, ...]] = ()

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
        out: Dict[str, Any] = {}
        for field in self._FIELDS:
            value = getattr(self, field.attr)
            if value is not None:
                out[field.key] = field.kind.dump(value)
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

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        shown = []
        for field in self._FIELDS:
            value = getattr(self, field.attr)
            if value is not None:
                shown.append(f"{field.attr}={_show(value)}")
        return f"{type(self).__name__}({', '.join(shown)})"


def _show(value: Any) -> str:
    # Date-times as ISO text: `datetime.datetime(2026, 11, 27, …, tzinfo=…)` buries the value.
    if isinstance(value, _dt.datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return repr(value)


def parse_model(model: Type[M]) -> Callable[[Any], M]:
    """Reads a response's ``data`` as ``model``."""
    return model.from_dict


def parse_list(inner: Callable[[Any], T]) -> Callable[[Any], List[T]]:
    """Reads a response's ``data`` as a list of ``inner``."""

    def parse(data: Any) -> List[T]:
        return [inner(item) for item in data]

    return parse


def parse_plain(_type: Type[T]) -> Callable[[Any], T]:
    """Takes a response's ``data`` as it is (strings, numbers)."""

    def parse(data: Any) -> T:
        value: T = data
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

