"""Models made from an answer read their fields on first access, and behave exactly like models
filled eagerly: the same values and types, equality, repr, to_dict(), pickling and copying."""

from __future__ import annotations

import copy
import datetime
import pickle
from typing import List

import pytest

from npay_order import (
    Client,
    LastChangedStatus,
    LastChangedType,
    ProductOrderDetail,
    ProductOrderStatus,
)
from npay_order.testing import Sandbox


def details(sandbox: Sandbox, client: Client, count: int) -> List[ProductOrderDetail]:
    ids = sandbox.create_orders(count).product_order_ids
    return client.query_product_orders(product_order_ids=ids)


def test_a_model_from_an_answer_equals_the_same_model_filled_eagerly(sandbox: Sandbox, client: Client) -> None:
    for detail in details(sandbox, client, 3):
        eager = ProductOrderDetail.from_dict(detail.to_dict())
        assert eager == detail and detail == eager
        assert repr(eager) == repr(detail)
        assert eager.to_dict() == detail.to_dict()


def test_fields_read_lazily_have_their_types(sandbox: Sandbox, client: Client) -> None:
    detail = details(sandbox, client, 1)[0]
    assert detail.product_order is not None and detail.order is not None
    assert detail.product_order.product_order_status is ProductOrderStatus.PAYED
    assert isinstance(detail.order.order_date, datetime.datetime)
    assert detail.order.order_date.utcoffset() == datetime.timedelta(hours=9)
    assert isinstance(detail.product_order.quantity, int)
    address = detail.product_order.shipping_address
    assert address is not None and isinstance(address.base_address, str)
    # A second read is the value stored by the first.
    assert detail.product_order is detail.product_order


def test_a_field_set_before_it_is_read_is_the_one_kept(sandbox: Sandbox, client: Client) -> None:
    product_order = details(sandbox, client, 1)[0].product_order
    product_order.shipping_memo = "문 앞에 놓아 주세요"
    product_order.seller_product_code = None
    shape = product_order.to_dict()
    assert shape["shippingMemo"] == "문 앞에 놓아 주세요"
    assert "sellerProductCode" not in shape
    assert shape["productOrderStatus"] == "PAYED"


def test_a_misspelt_attribute_is_an_attribute_error(sandbox: Sandbox, client: Client) -> None:
    detail = details(sandbox, client, 1)[0]
    with pytest.raises(AttributeError, match="prodct_order"):
        getattr(detail, "prodct_order")
    assert not hasattr(detail, "_FIELDS_typo")


def test_models_from_an_answer_pickle_and_copy(sandbox: Sandbox, client: Client) -> None:
    detail = details(sandbox, client, 1)[0]
    for twin in (pickle.loads(pickle.dumps(detail)), copy.copy(detail), copy.deepcopy(detail)):
        assert type(twin) is ProductOrderDetail
        assert twin == detail
        assert twin.to_dict() == detail.to_dict()


def test_items_of_an_iterator_are_lazy_models_too(sandbox: Sandbox, client: Client) -> None:
    start = sandbox.now() - datetime.timedelta(minutes=1)
    ids = sandbox.create_orders(3).product_order_ids
    changes = list(client.iter_last_changed_statuses(last_changed_from=start))
    assert sorted(c.product_order_id for c in changes) == sorted(ids)
    first = changes[0]
    assert first.last_changed_type is LastChangedType.PAYED
    assert LastChangedStatus.from_dict(first.to_dict()) == first


def test_an_item_kept_outlives_the_rest_of_its_answer(sandbox: Sandbox, client: Client) -> None:
    kept = details(sandbox, client, 5)[2]  # the list and the other items are gone
    assert kept.product_order is not None
    assert kept.product_order.product_order_status is ProductOrderStatus.PAYED
