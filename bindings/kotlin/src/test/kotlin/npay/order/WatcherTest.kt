package npay.order

import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files
import java.time.OffsetDateTime

/** The order watcher from Kotlin: a Flow that acknowledges, run(handler) with retries, stop. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WatcherTest {
    private val sandbox = TestSandbox.start(seed = 9)
    private val dir = Files.createTempDirectory("npay-watch-")

    @AfterAll
    fun stop() = sandbox.close()

    @BeforeEach
    fun reset() = runBlocking { sandbox.reset() }

    private var stores = 0

    private suspend fun config(maxAttempts: UInt? = null): WatchConfig {
        val now = OffsetDateTime.parse(JSONObject(sandbox.control("GET", "clock", null)).getString("now"))
        return WatchConfig(
            store = dir.resolve("orders-${++stores}.sqlite").toString(),
            since = now.minusMinutes(1),
            settleLagMs = 100u,
            overlapMs = 3_000u,
            pollIntervalMs = 50u,
            maxAttempts = maxAttempts,
            retryBaseMs = 10u,
        )
    }

    /** "productOrderId lastChangedType" of every product order's latest recorded change. */
    private suspend fun latestChanges(): Set<String> {
        val changes = JSONObject(sandbox.control("GET", "changes", null)).getJSONArray("changes")
        return (0 until changes.length()).map { changes.getJSONObject(it) }
            .filter { !it.has("replacedAtMs") }
            .map { "${it.getString("productOrderId")} ${it.getString("lastChangedType")}" }
            .toSet()
    }

    @Test
    fun `the flow hands every change over once, typed, and acknowledges what the collector took`() = runBlocking {
        sandbox.createOrders(count = 10, productsPerOrder = 2)
        sandbox.client().use { client ->
            val watcher = Watcher(client, config())
            val events = withTimeout(30_000) { watcher.events().take(20).toList() }
            assertEquals(latestChanges(), events.map { "${it.productOrderId} ${it.lastChangedType}" }.toSet())
            assertEquals(20, events.map { it.id }.toSet().size, "no event handed over twice")
            val event = events.first()
            assertEquals(1u, event.attempt)
            assertEquals(event.productOrderId, event.change?.productOrderId)
            assertEquals(event.productOrderId, event.detail?.productOrder?.productOrderId)
            assertTrue(JSONObject(event.changeJson).has("productOrderId"))
            watcher.stop()
            assertNull(watcher.next())
            // take(20) cancels the flow inside the 20th emit: that one is refused and comes back.
            val done = watcher.listEvents(status = "done").size
            assertTrue(done >= 19, "the events the collector returned from are done ($done)")
        }
    }

    @Test
    fun `run retries a throwing handler with the same id, then parks it without its message`() = runBlocking {
        sandbox.createOrders(count = 1)
        sandbox.client().use { client ->
            val watcher = Watcher(client, config(maxAttempts = 2u))
            val attempts = mutableListOf<Pair<String, UInt>>()
            withTimeout(30_000) {
                watcher.run { event ->
                    attempts += event.id to event.attempt
                    if (attempts.size == 2) {
                        Thread { Thread.sleep(600); watcher.stop() }.start()
                    }
                    throw IllegalStateException("홍길동 010-1234-5678")
                }
            }
            assertEquals(listOf(1u, 2u), attempts.map { it.second })
            assertEquals(1, attempts.map { it.first }.toSet().size)
            val parked = watcher.listEvents(status = "failed").single()
            assertTrue(parked.lastError!!.contains("IllegalStateException"))
            assertFalse(parked.lastError!!.contains("홍길동"))
            assertTrue(watcher.resend(parked.event.id))
            assertEquals(1, watcher.listEvents(status = "pending").size)
        }
    }

    @Test
    fun `a watcher without a start or with a bad page size fails with InvalidRequestException`() = runBlocking {
        sandbox.client().use { client ->
            assertThrows<NpayException.InvalidRequestException> { Watcher(client, config().copy(pageSize = 0)) }
            val fresh = Watcher(client, config().copy(since = null))
            val error = assertThrows<NpayException.InvalidRequestException> { runBlocking { fresh.next() } }
            assertTrue(error.detail().contains("since"))
            assertEquals(0L, sandbox.stats().requests.values.sum())
        }
    }

    @Test
    fun `an event taken by hand is acknowledged once, and stop ends the flow`() = runBlocking {
        sandbox.createOrders(count = 1)
        sandbox.client().use { client ->
            val watcher = Watcher(client, config())
            val event = withTimeout(30_000) { watcher.next() }
            assertNotNull(event)
            watcher.stop()
            assertTrue(watcher.ack(event!!.id), "the event in flight is finished after a stop")
            assertFalse(watcher.ack(event.id))
            assertNull(watcher.next())
            assertEquals(listOf("done"), watcher.listEvents().map { it.status })
        }
    }
}
