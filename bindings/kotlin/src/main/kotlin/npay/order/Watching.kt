// The order watcher as Kotlin: a Flow of events, and run(handler). Both are thin loops over the
// native `next()` / `ack()` / `nack()`; the paging, the store and the retries are the Rust core's.
package npay.order

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Every event of this watcher as a cold [Flow], until [Watcher.stop]. An event is acknowledged
 * (marked done) when the collector's block returns, and refused when it throws or the collection
 * is cancelled: the event then comes back later with the same id (at-least-once), and the flow
 * ends with that exception.
 *
 * ```kotlin
 * val watcher = Watcher(client, WatchConfig(store = "orders.sqlite", since = OffsetDateTime.now().minusHours(1)))
 * watcher.events().collect { event -> saveOrder(event.productOrderId, event.detail) }
 * ```
 */
fun Watcher.events(): Flow<WatchEvent> = flow {
    while (true) {
        val event = next() ?: break
        try {
            emit(event)
        } catch (failure: Throwable) {
            nack(event.id, "the collector threw ${failure::class.simpleName}")
            throw failure
        }
        ack(event.id)
    }
}

/**
 * Hands every event to [handler] until [Watcher.stop]: done when it returns, retried with backoff
 * (then parked as failed) when it throws. Cancelling the calling coroutine refuses the event in
 * flight and rethrows. Throws the error that stopped the watcher (`NpayException`).
 */
suspend fun Watcher.run(handler: suspend (WatchEvent) -> Unit) {
    while (true) {
        val event = next() ?: return
        try {
            handler(event)
        } catch (cancelled: CancellationException) {
            nack(event.id, "cancelled")
            throw cancelled
        } catch (failure: Exception) {
            // The class only: a handler's message may quote the order it was handling.
            nack(event.id, "the handler threw ${failure::class.simpleName}")
            continue
        }
        ack(event.id)
    }
}
