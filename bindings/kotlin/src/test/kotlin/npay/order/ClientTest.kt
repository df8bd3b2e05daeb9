// The client's behaviour beyond single calls: raw responses, chunking of long lists, paging as a
// Flow, concurrency, open enums, redaction and the signature.
package npay.order

import java.time.OffsetDateTime
import java.time.ZoneOffset
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest {
    private val sandbox = TestSandbox.start(seed = 3)
    private val client = sandbox.client(strict = true)
    private val now: OffsetDateTime get() = OffsetDateTime.now(ZoneOffset.ofHours(9))

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    @BeforeEach
    fun reset() = runBlocking { sandbox.reset() }

    @Test
    fun `the raw view returns data with status, headers and the trace id`() = runBlocking {
        val ids = sandbox.createOrders(count = 1).productOrderIds
        val response = client.withRawResponse().queryProductOrders(ids)
        assertEquals(200, response.meta.status)
        assertNotNull(response.meta.traceId)
        assertTrue(response.meta.headers.keys.all { it == it.lowercase() }, "${response.meta.headers.keys}")
        assertEquals(ids, response.data.map { it.productOrder?.productOrderId })
    }

    @Test
    fun `more ids than one request takes are split and merged`() = runBlocking {
        val ids = sandbox.createOrders(count = 5).productOrderIds
        client.queryProductOrders(ids.take(1)) // renews the token the reset made stale
        val before = sandbox.stats().requests.getValue("queryProductOrders")
        val asked = ids + (1..640).map { "9${it.toString().padStart(15, '0')}" }
        val found = client.queryProductOrders(asked)
        assertEquals(ids.toSet(), found.mapNotNull { it.productOrder?.productOrderId }.toSet())
        val requests = sandbox.stats().requests.getValue("queryProductOrders") - before
        assertEquals(3L, requests, "645 ids = 3 requests of at most 300")
    }

    @Test
    fun `the iterator is a Flow that yields each change once, across pages`() = runBlocking {
        val ids = sandbox.createOrders(count = 12, productsPerOrder = 2).productOrderIds
        val changes = client.iterLastChangedStatuses(now.minusHours(1), limitCount = 5, lastChangedType = LastChangedType.Payed)
            .asFlow().toList()
        assertEquals(ids.sorted(), changes.map { it.productOrderId }.sorted())
        assertTrue(sandbox.stats().requests.getValue("listLastChangedStatuses") >= 5, "24 items in pages of 5")
    }

    @Test
    fun `many calls run concurrently on one client`() = runBlocking {
        val ids = sandbox.createOrders(count = 20).productOrderIds
        val results = ids.map { id -> async { client.queryProductOrders(listOf(id)).single().productOrder?.productOrderId } }.awaitAll()
        assertEquals(ids, results)
        assertEquals(1L, sandbox.stats().tokensIssued, "one token shared by every call")
    }

    @Test
    fun `read enums are typed, and every value has its wire text`() = runBlocking {
        val ids = sandbox.createOrders(count = 1).productOrderIds
        val order = client.queryProductOrders(ids).single().productOrder!!
        assertEquals(ProductOrderStatus.Payed, order.productOrderStatus)
        assertEquals("PAYED", order.productOrderStatus?.wireValue())
        assertEquals("NEW_VALUE", ProductOrderStatus.Unrecognized("NEW_VALUE").wireValue())
    }

    @Test
    fun `records turn into the API's JSON shape`() {
        val entry = DispatchProductOrder(
            productOrderId = "2026112514566031",
            deliveryMethod = RequestDeliveryMethod.Delivery,
            deliveryCompanyCode = DeliveryCompanyCode.Cjgls,
            trackingNumber = "640012345678",
            dispatchDate = OffsetDateTime.parse("2026-11-27T14:03:11Z"),
        )
        val json = JSONObject(entry.toJson())
        assertEquals("CJGLS", json.getString("deliveryCompanyCode"))
        assertEquals("2026-11-27T23:03:11.000+09:00", json.getString("dispatchDate"), "sent in KST with milliseconds")
    }

    @Test
    fun `the config's text never shows the secret`() {
        val config = ClientConfig(clientId = "app", clientSecret = sandbox.clientSecret())
        assertFalse(config.toString().contains(sandbox.clientSecret()), config.toString())
        assertTrue(config.toString().contains("<redacted>"))
        assertFalse(client.toString().contains(sandbox.clientSecret()), client.toString())
    }

    @Test
    fun `sign matches Naver's published test vector`() {
        assertEquals(
            "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy",
            sign("aaaabbbbcccc", "\$2a\$10\$abcdefghijklmnopqrstuv", 1643961623299),
        )
    }
}
