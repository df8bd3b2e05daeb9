"""The whole order lifecycle against the embedded sandbox: no Naver credentials needed.

    python examples/quickstart.py

With real credentials, replace the sandbox by ``npay_order.Client("my-app-id", "$2a$04$...")``
(or set ``NPAY_CLIENT_ID`` / ``NPAY_CLIENT_SECRET`` and call ``npay_order.Client()``).
"""

from __future__ import annotations

import asyncio
import datetime
from typing import List

import npay_order
from npay_order import DeliveryCompanyCode, DeliveryMethod, DispatchProductOrder, LastChangedType
from npay_order.testing import Sandbox


def pull_confirm_dispatch(client: npay_order.Client, since: datetime.datetime) -> List[str]:
    """Confirms and dispatches every product order paid since ``since``; returns their ids."""
    # Every change since then, across as many pages and 24-hour windows as it takes.
    paid = [
        change.product_order_id
        for change in client.iter_last_changed_statuses(last_changed_from=since)
        if change.last_changed_type == LastChangedType.PAYED
    ]
    if not paid:
        return []

    # Confirm them (lists over 30 are split and merged for you).
    confirmed = client.confirm_product_orders(product_order_ids=paid)
    for failure in confirmed.fail_product_order_infos or []:
        print(f"{failure.product_order_id} not confirmed: {failure.code} {failure.message}")

    # Dispatch with tracking numbers: typed models or plain dicts.
    now = datetime.datetime.now()  # naive datetimes are read as KST
    result = client.dispatch_product_orders(
        dispatch_product_orders=[
            DispatchProductOrder(
                product_order_id=product_order_id,
                delivery_method=DeliveryMethod.DELIVERY,
                delivery_company_code=DeliveryCompanyCode.CJGLS,
                tracking_number=f"6400{n:08d}",
                dispatch_date=now,
            )
            for n, product_order_id in enumerate(paid)
        ]
    )
    return list(result.success_product_order_ids or [])


def show_errors(client: npay_order.Client) -> None:
    try:
        client.list_product_order_ids("9999999999999999")
    except npay_order.NotFoundError as error:
        print(f"not found: HTTP {error.status}, code {error.code}, trace id {error.trace_id}")
    try:
        client.confirm_product_orders(product_order_ids=[])
    except npay_order.InvalidRequestError as error:  # raised before anything is sent
        print(f"refused locally: {error.invalid_inputs[0].name}: {error.invalid_inputs[0].message}")


async def count_concurrently(client: npay_order.AsyncClient, ids: List[str]) -> int:
    details = await asyncio.gather(*(client.query_product_orders(product_order_ids=[i]) for i in ids))
    return sum(len(d) for d in details)


def main() -> None:
    with Sandbox(seed=7) as sandbox:
        since = sandbox.now() - datetime.timedelta(minutes=5)
        sandbox.create_orders(3)
        client = sandbox.client()

        dispatched = pull_confirm_dispatch(client, since)
        print(f"dispatched {len(dispatched)} product orders")

        raw = client.with_raw_response.query_product_orders(product_order_ids=dispatched)
        for detail in raw.data:
            print(detail.product_order.product_order_id, detail.product_order.product_order_status)
        print(f"HTTP {raw.status}, trace id {raw.trace_id}")

        show_errors(client)

        found = asyncio.run(count_concurrently(sandbox.async_client(), dispatched))
        print(f"async: {found} product orders read concurrently")


if __name__ == "__main__":
    main()
