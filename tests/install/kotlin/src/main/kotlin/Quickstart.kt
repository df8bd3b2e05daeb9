// The Kotlin quickstart as a user's own Maven project runs it: `cargo xtask install-test` builds
// this project against the npay-order jar from a Maven repository (`dist/maven`), with nothing of
// the workspace on its class path, and runs `main` with exec:java.
import java.time.OffsetDateTime
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import npay.order.*

fun main() = runBlocking {
    Sandbox(seed = 1).use { sandbox ->
        sandbox.createOrders(count = 3)
        val client = sandbox.client()
        val since = OffsetDateTime.now().minusHours(1)
        val ids = client.iterLastChangedStatuses(since, lastChangedType = LastChangedType.Payed)
            .asFlow().toList().map { it.productOrderId }
        val confirmed = client.confirmProductOrders(ids)
        val dispatched = client.dispatchProductOrders(ids.mapIndexed { i, id ->
            DispatchProductOrder(
                productOrderId = id,
                deliveryMethod = RequestDeliveryMethod.Delivery,
                deliveryCompanyCode = DeliveryCompanyCode.Cjgls,
                trackingNumber = "64001234567$i",
                dispatchDate = OffsetDateTime.now(),
            )
        })
        val traceId = try {
            client.approveCancel("9999999999999999")
            null
        } catch (e: NpayException.NotFoundException) {
            e.traceId
        }
        client.close()
        check(ids.size == 3) { "expected 3 paid orders, got $ids" }
        check(confirmed.successProductOrderInfos.size == 3) { "not all confirmed: $confirmed" }
        check(dispatched.successProductOrderIds.size == 3) { "not all dispatched: $dispatched" }
        check(traceId != null) { "no NotFoundException for an unknown id" }
        println("kotlin quickstart: confirmed and dispatched ${dispatched.successProductOrderIds.size} product orders (trace id $traceId)")
    }
}
