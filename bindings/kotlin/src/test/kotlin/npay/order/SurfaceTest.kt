// Every operation of the spec is callable from Kotlin: a member function of `npay.order.Client`
// named by its camelCase operationId. Reads `openapi/npay-order.yaml` itself, so an operation
// added to the spec without regenerating the binding fails here. `issueToken` is the core's own
// call, not part of the surface.
package npay.order

import java.io.File
import kotlin.reflect.KFunction
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class SurfaceTest {
    /** Maven runs the tests from `bindings/kotlin`; the spec is two folders up. */
    private val spec = File("../../openapi/npay-order.yaml")
    private val operationId = Regex("""^\s+operationId:\s*['"]?([A-Za-z0-9_]+)['"]?\s*$""", RegexOption.MULTILINE)
    private val internal = setOf("issueToken")

    private fun publicOperationIds(): List<String> =
        operationId.findAll(spec.readText()).map { it.groupValues[1] }.filter { it !in internal }.toList()

    @Test
    fun `the spec is found and lists its operations`() {
        val ids = publicOperationIds()
        assertTrue(ids.size >= 20, "${spec.absolutePath}: only $ids")
        assertEquals(ids.size, ids.toSet().size, "operationIds are unique")
    }

    @Test
    fun `every operation is a suspend function of Client`() {
        val functions = Client::class.members.filterIsInstance<KFunction<*>>().filter { it.isSuspend }.map { it.name }.toSet()
        val missing = publicOperationIds().filter { it !in functions }
        assertEquals(emptyList<String>(), missing, "Client lacks suspend functions $missing")
    }
}
