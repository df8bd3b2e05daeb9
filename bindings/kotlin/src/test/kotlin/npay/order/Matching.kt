// The `expect` matching of tests/README.md: an object matches when every key it lists matches,
// a list element by element, `{"$len": N}` a list of N items, `{"$contains": v}` a list with an
// element matching v; anything else must be equal (numbers by value).
package npay.order

import java.math.BigDecimal
import org.json.JSONArray
import org.json.JSONObject

object Matching {
    fun assertMatches(expected: Any?, actual: Any?, at: String) {
        mismatch(expected, actual, at)?.let { throw AssertionError(it) }
    }

    /** Why `actual` does not match `expected`, or null when it does. */
    fun mismatch(expected: Any?, actual: Any?, at: String): String? = when {
        expected is JSONObject && expected.has("\$len") -> {
            val length = (actual as? JSONArray)?.length()
            if (length == expected.getInt("\$len")) null else "$at: expected ${expected.get("\$len")} items, got $actual"
        }
        expected is JSONObject && expected.has("\$contains") -> {
            val items = actual as? JSONArray
            val found = items != null && (0 until items.length()).any { mismatch(expected.get("\$contains"), items.get(it), at) == null }
            if (found) null else "$at: no element matches ${expected.get("\$contains")} in $actual"
        }
        expected is JSONObject -> expected.keySet().firstNotNullOfOrNull { key ->
            val value = (actual as? JSONObject)?.opt(key) ?: JSONObject.NULL
            mismatch(expected.get(key), value, "$at.$key")
        }
        expected is JSONArray -> when {
            actual !is JSONArray -> "$at: expected a list, got $actual"
            actual.length() != expected.length() -> "$at: expected ${expected.length()} items, got $actual"
            else -> (0 until expected.length()).firstNotNullOfOrNull { mismatch(expected.get(it), actual.get(it), "$at[$it]") }
        }
        expected is Number && actual is Number ->
            if (BigDecimal(expected.toString()).compareTo(BigDecimal(actual.toString())) == 0) null else "$at: expected $expected, got $actual"
        expected == actual -> null
        else -> "$at: expected $expected, got $actual"
    }
}
