// The public error tree as Kotlin exceptions, and bad input refused before anything
// is sent (the sandbox's own counters prove nothing reached it).
package npay.order

import java.time.OffsetDateTime
import java.time.ZoneOffset
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    private val sandbox = TestSandbox.start(seed = 11)
    private val client = sandbox.client(maxRetries = 0, strict = true)
    private val now: OffsetDateTime get() = OffsetDateTime.now(ZoneOffset.ofHours(9))

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    @BeforeEach
    fun reset() = runBlocking { sandbox.reset() }

    private suspend fun assertNothingSent() {
        val stats = sandbox.stats()
        assertEquals(0L, stats.tokensIssued, "no token was asked for")
        assertTrue(stats.requests.values.all { it == 0L }, "no request reached the sandbox: ${stats.requests}")
    }

    @Test
    fun `an empty id list is an InvalidRequestException naming the parameter, and nothing is sent`() = runBlocking {
        val error = assertThrows<NpayException.InvalidRequestException> { client.confirmProductOrders(emptyList()) }
        assertEquals("InvalidRequestError", error.typeName)
        assertTrue(error.invalidInputs.any { it.name == "productOrderIds" }, "${error.invalidInputs}")
        assertFalse(error.isApiError())
        assertNothingSent()
    }

    @Test
    fun `values outside the spec's limits are refused before sending`() = runBlocking {
        assertThrows<NpayException.InvalidRequestException> { client.listLastChangedStatuses(now, limitCount = 301) }
        assertThrows<NpayException.InvalidRequestException> { client.listLastChangedStatuses(now, lastChangedTo = now.minusHours(1)) }
        assertThrows<NpayException.InvalidRequestException> { client.listLastChangedStatuses(now.minusHours(1), lastChangedTo = now.plusHours(24)) }
        assertThrows<NpayException.InvalidRequestException> { client.rejectReturn("1", rejectReturnReason = "") }
        assertThrows<NpayException.InvalidRequestException> {
            client.searchProductOrders(now.minusHours(1), rangeType = SearchRangeType.PayedDatetime, pageSize = 0)
        }
        assertNothingSent()
    }

    @Test
    fun `an enum value the API does not accept is refused, not sent`() = runBlocking {
        val error = assertThrows<NpayException.InvalidRequestException> {
            client.requestCancel("1", cancelReason = CancelRequestReason.Unrecognized("NOT_A_REASON"))
        }
        assertTrue(error.invalidInputs.any { it.name == "cancelReason" }, "${error.invalidInputs}")
        assertNothingSent()
    }

    @Test
    fun `a dispatch by courier without its company and tracking number is refused`() = runBlocking {
        val entry = DispatchProductOrder(productOrderId = "1", deliveryMethod = RequestDeliveryMethod.Delivery, dispatchDate = now)
        assertThrows<NpayException.InvalidRequestException> { client.dispatchProductOrders(listOf(entry)) }
        assertNothingSent()
    }

    @Test
    fun `an unknown product order is a NotFoundException with status, code and trace id`() = runBlocking {
        val error = assertThrows<NpayException.NotFoundException> { client.approveCancel("9999999999999999") }
        assertEquals(404, error.status)
        assertEquals("100001", error.code)
        assertNotNull(error.traceId)
        // The same values through the base type, for a single `catch (e: NpayException)`.
        val base: NpayException = error
        assertEquals(404, base.status())
        assertEquals("NotFoundError", base.typeName())
        assertTrue(base.isApiError())
        assertFalse(base.isConnectionError())
        assertTrue(base.toString().contains("100001"), base.toString())
    }

    @Test
    fun `server faults surface as ServerException once retries are spent`() = runBlocking {
        sandbox.setFaults(SandboxFaults(serverErrorRate = 1.0, seed = 1))
        val error = assertThrows<NpayException> { client.queryProductOrders(listOf("1")) }
        assertTrue(error is NpayException.ServerException, "$error")
        assertTrue((error.status() ?: 0) >= 500)
        sandbox.setFaults(SandboxFaults())
    }

    @Test
    fun `a server slower than the timeout is an ApiTimeoutException, a kind of connection error`() = runBlocking {
        sandbox.setFaults(SandboxFaults(latencyMs = 1500))
        val impatient = client.withOptions(timeoutMs = 200, maxRetries = 0)
        val error = assertThrows<NpayException.ApiTimeoutException> { impatient.queryProductOrders(listOf("1")) }
        assertTrue(error.isConnectionError())
        sandbox.setFaults(SandboxFaults())
    }

    @Test
    fun `no server at the address is an ApiConnectionException`() = runBlocking {
        TestSandbox.embeddedOnly("it needs a sandbox of its own to stop, and calls its port directly (a proxy would answer itself)")
        val gone = Sandbox()
        val orphan = gone.client(maxRetries = 0)
        gone.shutdown()
        val error = assertThrows<NpayException.ApiConnectionException> { orphan.queryProductOrders(listOf("1")) }
        assertTrue(error.isConnectionError())
        assertEquals("ApiConnectionError", error.typeName)
        orphan.close()
        gone.close()
    }

    @Test
    fun `a secret that is not a bcrypt salt is refused when the client is built, without echoing it`() {
        val error = assertThrows<NpayException.InvalidRequestException> {
            Client(ClientConfig(clientId = "app", clientSecret = "hunter2-plain", baseUrl = sandbox.baseUrl()))
        }
        assertFalse(error.toString().contains("hunter2"), error.toString())
        assertFalse(error.message.orEmpty().contains("hunter2"), error.message)
    }

    @Test
    fun `plain HTTP is refused except to this machine, and bad numbers are refused`() {
        val secret = sandbox.clientSecret()
        assertThrows<NpayException.InvalidRequestException> {
            Client(ClientConfig(clientId = "app", clientSecret = secret, baseUrl = "http://api.pay.naver.com/npay/partner"))
        }
        assertThrows<NpayException.InvalidRequestException> {
            Client(ClientConfig(clientId = "app", clientSecret = secret, timeoutMs = -1))
        }
        assertThrows<NpayException.InvalidRequestException> { client.withOptions(maxRetries = -1) }
    }

    @Test
    fun `sign refuses a secret that is not a bcrypt salt with a typed error`() {
        assertThrows<NpayException.InvalidRequestException> { sign("app", "not-a-salt", 1L) }
    }
}
