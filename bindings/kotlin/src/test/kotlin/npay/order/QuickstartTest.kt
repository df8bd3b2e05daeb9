// The README's Kotlin quickstart, kept compiling and passing: a whole order lifecycle against the
// embedded sandbox (or the external one: TestSandbox.kt) with the typed surface only.
package npay.order

import java.time.OffsetDateTime
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Test

class QuickstartTest {
    @Test
    fun `new paid orders are found, confirmed, dispatched, and a bad id is a typed error`() = runBlocking {
        TestSandbox.start(seed = 1).use { sandbox ->
            sandbox.createOrders(count = 3) // buyers pay for three orders
            // For Naver: Client(ClientConfig(clientId = "…", clientSecret = "\$2a\$04\$…"))
            val client = sandbox.client()

            // Every product order paid in the last hour, across pages and 24-hour windows.
            val since = OffsetDateTime.now().minusHours(1)
            val paid = client.iterLastChangedStatuses(since, lastChangedType = LastChangedType.Payed).asFlow().toList()
            val ids = paid.map { it.productOrderId }

            // Confirm them (lists over 30 are split and merged for you); failures are results.
            val confirmed = client.confirmProductOrders(ids)
            confirmed.failProductOrderInfos.forEach { println("${it.productOrderId} not confirmed: ${it.code}") }

            // Dispatch them by courier.
            val dispatched = client.dispatchProductOrders(ids.mapIndexed { i, id ->
                DispatchProductOrder(
                    productOrderId = id,
                    deliveryMethod = RequestDeliveryMethod.Delivery,
                    deliveryCompanyCode = DeliveryCompanyCode.Cjgls,
                    trackingNumber = "64001234567$i",
                    dispatchDate = OffsetDateTime.now(),
                )
            })

            // Errors are typed; the trace id is what Naver support asks for.
            val traceId = try {
                client.approveCancel("9999999999999999")
                null
            } catch (e: NpayException.NotFoundException) {
                e.traceId
            }

            assertEquals(3, ids.size)
            assertEquals(ids.toSet(), confirmed.successProductOrderInfos.map { it.productOrderId }.toSet())
            assertEquals(ids.toSet(), dispatched.successProductOrderIds.toSet())
            val statuses = client.queryProductOrders(ids).map { it.productOrder?.productOrderStatus }
            assertEquals(List(3) { ProductOrderStatus.Delivering }, statuses)
            assertNotNull(traceId)
            client.close()
        }
    }
}
