"""``OpenEnum``, the base of the API's enumerations, and how the generated ones are made.

The enumerations are built when first used, not at import (see ``_lazy``): creating a few
hundred ``Enum`` members costs more than the rest of ``import npay_order`` together, and a
program meets only a few of them. This module (and ``enum`` with it) is imported with the first.
"""

from __future__ import annotations

from enum import Enum

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Tuple, Type

__all__ = ["OpenEnum"]


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


def build(module: str, name: str, doc: str, members: Tuple[Tuple[str, str], ...]) -> Type[OpenEnum]:
    """The enumeration ``name`` of ``module`` with ``members`` (Python name, wire value)."""
    enum: Type[OpenEnum] = OpenEnum(name, members, module=module, qualname=name)  # type: ignore[call-overload]
    enum.__doc__ = doc
    return enum
