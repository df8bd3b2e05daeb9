// Runs every cross-language scenario of tests/scenarios/ (format: tests/README.md) against the
// sandbox (embedded, or the external one: TestSandbox.kt), through the typed Kotlin surface. One
// dynamic test per file.
package npay.order

import java.io.File
import java.time.OffsetDateTime
import java.time.ZoneOffset
import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScenariosTest {
    private val sandbox = TestSandbox.start(seed = 7)
    private val client = sandbox.client(strict = true)

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    private fun scenarioFiles(): List<File> {
        val dir = File(System.getProperty("npay.scenarios") ?: "../../tests/scenarios")
        return dir.listFiles { f -> f.name.endsWith(".json") }.orEmpty().sortedBy { it.name }
    }

    @TestFactory
    fun everySharedScenarioPasses(): List<DynamicTest> {
        val files = scenarioFiles()
        assertTrue(files.size >= 4, "expected the shared scenarios, found $files")
        return files.map { file ->
            val scenario = JSONObject(file.readText())
            DynamicTest.dynamicTest("${file.name}: ${scenario.getString("name")}") {
                runBlocking { Runner().run(file.name, scenario) }
            }
        }
    }

    private inner class Runner {
        private val vars = mutableMapOf<String, Any?>()
        private val now = OffsetDateTime.now(ZoneOffset.ofHours(9))

        suspend fun run(file: String, scenario: JSONObject) {
            sandbox.reset()
            val steps = scenario.getJSONArray("steps")
            for (i in 0 until steps.length()) step(steps.getJSONObject(i), "$file step ${i + 1}")
        }

        private fun resolveText(text: String): Any? {
            if (!text.startsWith("$")) return text
            val name = text.substring(1)
            if (name.startsWith("now")) {
                val hours = name.removePrefix("now").removeSuffix("h").ifEmpty { "0" }.toLong()
                return now.plusHours(hours).format(TypedBridge.API_DATE_TIME)
            }
            Regex("""(\w+)\[(\d+)]""").matchEntire(name)?.let { m ->
                return (vars.getValue(m.groupValues[1]) as JSONArray).get(m.groupValues[2].toInt())
            }
            return vars[name] ?: error("unknown variable $text")
        }

        private fun resolve(value: Any?): Any? = when (value) {
            is String -> resolveText(value)
            is JSONArray -> JSONArray((0 until value.length()).map { resolve(value.get(it)) })
            is JSONObject -> JSONObject().also { out -> value.keySet().forEach { out.put(it, resolve(value.get(it))) } }
            else -> value
        }

        private fun save(step: JSONObject, answer: Any?) {
            val save = step.optJSONObject("save") ?: return
            for (variable in save.keySet()) vars[variable] = (answer as JSONObject).get(save.getString(variable))
        }

        private suspend fun step(step: JSONObject, label: String) {
            if (step.has("sandbox")) {
                val (method, path) = step.getString("sandbox").split(" ", limit = 2)
                val resolvedPath = path.split("/").joinToString("/") { resolveText(it).toString() }
                val body = step.optJSONObject("body")?.let { resolve(it).toString() }
                val answer = JSONObject(sandbox.control(method, resolvedPath, body))
                save(step, answer)
                step.opt("expect")?.let { expected -> Matching.assertMatches(resolve(expected), answer, label) }
                return
            }
            val params = resolve(step.optJSONObject("params") ?: JSONObject()) as JSONObject
            val outcome = runCatching {
                if (step.has("iterate")) {
                    TypedBridge.json(TypedBridge.drain(TypedBridge.call(client, step.getString("iterate"), params)!!))
                } else {
                    TypedBridge.json(TypedBridge.call(client, step.getString("call"), params))
                }
            }
            val expectedError = step.optJSONObject("expectError")
            outcome.fold(
                onSuccess = { data ->
                    check(expectedError == null) { "$label: expected $expectedError, got success $data" }
                    save(step, data)
                    step.opt("expect")?.let { expected -> Matching.assertMatches(resolve(expected), data, label) }
                },
                onFailure = { error ->
                    if (expectedError == null || error !is NpayException) throw AssertionError("$label: failed: $error", error)
                    val actual = JSONObject()
                        .put("type", error.typeName())
                        .put("status", error.status() ?: JSONObject.NULL)
                        .put("code", error.code() ?: JSONObject.NULL)
                    Matching.assertMatches(resolve(expectedError), actual, "$label ($error)")
                },
            )
        }
    }
}
