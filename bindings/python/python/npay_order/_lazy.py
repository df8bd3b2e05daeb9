"""Module attributes made on first access: how ``_generated/enums.py`` builds its enums lazily.

``_generated/enums.py`` holds each enum's docstring and members as data and hands them to
:func:`lazy_enums`, whose ``__getattr__`` (PEP 562) builds an enum the first time it is asked for
and stores it in the module, so later lookups are ordinary attribute reads. Type checkers read
``enums.pyi`` instead, where the enums are declared as classes.
"""

from __future__ import annotations

import _thread

TYPE_CHECKING = False  # `typing` only for type checkers: see `_model`
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, MutableMapping, Tuple

    Definitions = Dict[str, Tuple[str, Tuple[Tuple[str, str], ...]]]

__all__ = ["lazy_enums"]


def lazy_enums(
    module: str, definitions: Definitions, namespace: MutableMapping[str, Any]
) -> Tuple[Callable[[str], Any], Callable[[], List[str]]]:
    """``__getattr__`` and ``__dir__`` for the module ``module`` (whose globals are
    ``namespace``) that build each enum of ``definitions`` when first asked for."""
    lock = _thread.allocate_lock()

    def __getattr__(name: str) -> Any:
        definition = definitions.get(name)
        if definition is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        # One class per enum even when two threads meet it first at once: members compare by `is`.
        with lock:
            enum = namespace.get(name)
            if enum is None:
                from ._enum import build

                doc, members = definition
                enum = namespace[name] = build(module, name, doc, members)
        return enum

    def __dir__() -> List[str]:
        return sorted(set(namespace) | set(definitions))

    return __getattr__, __dir__
