package npay.order

import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** Reads survive answers that deviate from the spec (the sandbox's deviation fault). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriftTest {
    private val sandbox = TestSandbox.start(seed = 5)

    @AfterAll
    fun stop() = sandbox.close()

    @BeforeEach
    fun ownSandbox() {
        TestSandbox.embeddedOnly("a deviating answer is a violation through prism")
        runBlocking { sandbox.reset() }
    }

    private suspend fun deviate(json: String) {
        sandbox.control("PUT", "deviations", json)
    }

    @Test
    fun `a tolerant client reads every order, keeps unknown fields in rawJson and reports them`() = runBlocking {
        val ids = sandbox.createOrders(count = 3).productOrderIds
        deviate("""{"rate": 1.0, "kinds": ["unknownFields"], "seed": 3}""")
        sandbox.client().use { client ->
            val response = client.withRawResponse().queryProductOrders(ids)
            assertEquals(ids, response.data.map { it.productOrder?.productOrderId })
            val raw = JSONArray(response.meta.rawJson ?: error("a deviating answer keeps its raw JSON"))
            val productOrder = raw.getJSONObject(0).getJSONObject("productOrder")
            assertTrue(productOrder.keySet().any { it.startsWith("sandboxExtra") }, "${productOrder.keySet()}")
            val report = client.driftReport()
            assertTrue(report.isNotEmpty())
            assertTrue(report.all { it.kind == "unknownField" && it.operation == "queryProductOrders" }, "$report")
        }
    }

    @Test
    fun `a conforming answer has no rawJson and a strict client refuses a deviating one`() = runBlocking {
        val ids = sandbox.createOrders(count = 2).productOrderIds
        sandbox.client(strict = true).use { strict ->
            assertNull(strict.withRawResponse().queryProductOrders(ids).meta.rawJson)
            deviate("""{"rate": 1.0, "kinds": ["wrongTypes"], "seed": 5}""")
            val error = assertThrows<NpayException> { strict.queryProductOrders(ids) }
            assertTrue("deviates from the spec (strict)" in (error.message ?: ""), error.message)
        }
    }
}
