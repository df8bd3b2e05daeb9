// The engine behind each pager's `asFlow()` (see Iterators.kt, generated per iterator).
package npay.order

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * A cold flow of every item of every page: each collection walks the pages from where the pager
 * is (a pager is one walk; ask the client for a new one to start again). Pages are fetched
 * lazily, one at a time, as the collector asks for items.
 */
internal fun <T> pagerFlow(nextPage: suspend () -> List<T>?): Flow<T> = flow {
    while (true) {
        val page = nextPage() ?: break
        for (item in page) emit(item)
    }
}
