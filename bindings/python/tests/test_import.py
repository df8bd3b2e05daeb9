"""`import npay_order` stays cheap: no `typing`, `logging` or enum building until they are used,
and the names it offers lazily behave like the others."""

from __future__ import annotations

import pickle
import subprocess
import sys
import typing

import pytest

import npay_order


def test_importing_the_package_loads_no_typing_logging_or_enums() -> None:
    script = (
        "import sys, npay_order\n"
        "loaded = [m for m in ('typing', 'logging', 'enum', 're') if m in sys.modules]\n"
        "built = [n for n in npay_order._generated.enums.__all__ if n in vars(npay_order._generated.enums)]\n"
        "print(loaded, built)\n"
    )
    before = subprocess.run([sys.executable, "-c", "import sys; print([m for m in ('typing', 'logging', 'enum', 're') if m in sys.modules])"], capture_output=True, text=True, check=True)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    # Whatever the interpreter itself had loaded at start-up, the package added nothing.
    assert out.stdout.strip() == f"{before.stdout.strip()} []"


def test_enums_are_the_same_class_however_they_are_reached() -> None:
    from npay_order._generated import enums

    assert npay_order.ProductOrderStatus is enums.ProductOrderStatus
    assert npay_order.ProductOrderStatus.PAYED is npay_order.ProductOrderStatus("PAYED")
    assert issubclass(npay_order.ProductOrderStatus, npay_order.OpenEnum)
    assert "ProductOrderStatus" in dir(npay_order) and "DeliveryMethod" in dir(enums)
    assert pickle.loads(pickle.dumps(npay_order.DeliveryMethod.DELIVERY)) is npay_order.DeliveryMethod.DELIVERY
    assert npay_order.ProductOrderStatus.__doc__ and "PAYED" in npay_order.ProductOrderStatus.__doc__


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        getattr(npay_order, "NoSuchEnum")
    with pytest.raises(ImportError):
        exec("from npay_order import NoSuchEnum")


def test_invalid_inputs_are_named_tuples_and_raw_responses_are_generic() -> None:
    item = npay_order.InvalidInput(name="a", kind="client", message="m")
    name, kind, message = item
    assert (name, kind, message) == ("a", "client", "m") and item._asdict()["kind"] == "client"
    assert pickle.loads(pickle.dumps(item)) == item
    assert typing.get_origin(npay_order.RawResponse[int]) is npay_order.RawResponse
