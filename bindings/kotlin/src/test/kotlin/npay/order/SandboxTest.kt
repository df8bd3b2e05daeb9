// `Sandbox.connect`: the sandbox helpers for a sandbox this process did not start (the
// `npay-sandbox` binary, e.g. in a container). It never stops that sandbox; `client()` calls its
// `apiUrl`; the control API always goes to the sandbox itself.
package npay.order

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

class SandboxTest {
    /** The ids of the product orders `client` finds. */
    private suspend fun found(client: Client, ids: List<String>) =
        client.queryProductOrders(ids).map { it.productOrder?.productOrderId }

    @Test
    fun `connect attaches to a running sandbox, and shutdown or close leave it running`() = runBlocking {
        // Embedded mode: a sandbox of this test's own stands for the one running elsewhere.
        val running = if (TestSandbox.external) null else Sandbox(seed = 5)
        val url = TestSandbox.externalUrl ?: running!!.sandboxUrl()
        try {
            val attached = TestSandbox.connect(url)
            assertNull(attached.seed(), "the seed of a sandbox started elsewhere is not known")
            attached.reset()
            val ids = attached.createOrders(count = 2).productOrderIds
            val client = attached.client(strict = true)
            assertEquals(ids, found(client, ids))
            attached.shutdown()
            attached.close()

            TestSandbox.connect(url).use { again ->
                assertEquals(ids, found(client, ids), "the sandbox still answers, with its orders")
                assertEquals(2L, again.stats().requests.getValue("queryProductOrders"))
            }
            client.close()
        } finally {
            running?.close()
        }
    }

    @Test
    fun `connect defaults to the sandbox's credentials and calls the sandbox itself`() {
        Sandbox.connect("http://127.0.0.1:9/npay/partner/").use { attached ->
            assertEquals("http://127.0.0.1:9/npay/partner", attached.baseUrl())
            assertEquals("http://127.0.0.1:9/npay/partner", attached.sandboxUrl())
            assertEquals("http://127.0.0.1:9/npay/partner/_sandbox", attached.controlUrl())
            assertEquals("sandbox-client-id", attached.clientId())
            assertEquals("\$2a\$04\$sandboxsecretsandboxse", attached.clientSecret())
        }
        Sandbox.connect("http://127.0.0.1:9/npay/partner", apiUrl = "http://127.0.0.1:8/", clientId = "app").use { attached ->
            assertEquals("http://127.0.0.1:8", attached.baseUrl())
            assertEquals("http://127.0.0.1:9/npay/partner", attached.sandboxUrl())
            assertEquals("http://127.0.0.1:9/npay/partner/_sandbox", attached.controlUrl())
            assertEquals("app", attached.clientId())
        }
    }

    @Test
    fun `connect refuses what is not an http URL, and an empty client id`() {
        assertThrows<NpayException.InvalidRequestException> { Sandbox.connect("127.0.0.1:9/npay/partner") }
        assertThrows<NpayException.InvalidRequestException> { Sandbox.connect("ftp://127.0.0.1/npay/partner") }
        assertThrows<NpayException.InvalidRequestException> { Sandbox.connect("http://127.0.0.1:9", apiUrl = "proxy") }
        assertThrows<NpayException.InvalidRequestException> { Sandbox.connect("http://127.0.0.1:9", clientId = "") }
    }

    @Test
    fun `client calls the apiUrl, the control API the sandbox itself`() = runBlocking {
        TestSandbox.embeddedOnly("it runs two sandboxes of its own at once, one standing for a proxy")
        Sandbox(seed = 5).use { sandbox ->
            Sandbox(seed = 6).use { proxy ->
                Sandbox.connect(sandbox.sandboxUrl(), apiUrl = proxy.baseUrl()).use { attached ->
                    val ids = attached.createOrders(count = 1).productOrderIds
                    attached.client(maxRetries = 0).use { client ->
                        assertEquals(emptyList<String?>(), found(client, ids), "the order is in the other sandbox")
                    }
                    assertEquals(1L, proxy.stats().requests.getOrDefault("queryProductOrders", 0L))
                    assertEquals(0L, sandbox.stats().requests.getOrDefault("queryProductOrders", 0L))
                    sandbox.client(strict = true).use { direct -> assertEquals(ids, found(direct, ids)) }
                }
            }
        }
    }
}
