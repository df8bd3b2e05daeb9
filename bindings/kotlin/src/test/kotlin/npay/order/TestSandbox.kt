// The sandbox every test class talks to: a new embedded one (the default), or, with
// NPAY_TEST_SANDBOX_URL set, one running elsewhere, attached with `Sandbox.connect` and reset.
//
// The env protocol is the same in every language of the project:
// - NPAY_TEST_SANDBOX_URL: base URL of a running `npay-sandbox` (its control API is below it);
// - NPAY_TEST_API_URL: base URL the clients call, e.g. a `prism proxy --errors` in front of that
//   sandbox (default: NPAY_TEST_SANDBOX_URL);
// - NPAY_TEST_CLIENT_ID / NPAY_TEST_CLIENT_SECRET: its credentials (default: the sandbox defaults).
// The classes share that one sandbox, so the suite must run sequentially (JUnit's default here).
package npay.order

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assumptions.assumeFalse

object TestSandbox {
    private fun env(name: String): String? = System.getenv(name)?.takeIf { it.isNotBlank() }

    /** The external sandbox's base URL, or null when the tests start their own. */
    val externalUrl: String? = env("NPAY_TEST_SANDBOX_URL")

    /** What the clients call in external mode (a proxy, or the sandbox itself). */
    val externalApiUrl: String? = env("NPAY_TEST_API_URL")

    val external: Boolean get() = externalUrl != null

    /**
     * A sandbox for a test: a new embedded one with this seed, or the external one, reset (no
     * orders, tokens, faults or counters), whatever its own seed is.
     */
    fun start(seed: Long? = null): Sandbox {
        val url = externalUrl ?: return Sandbox(seed = seed)
        val sandbox = connect(url)
        runBlocking { sandbox.reset() }
        return sandbox
    }

    /** `Sandbox.connect` with the env's API URL and credentials. */
    fun connect(url: String): Sandbox =
        Sandbox.connect(url, apiUrl = externalApiUrl, clientId = env("NPAY_TEST_CLIENT_ID"), clientSecret = env("NPAY_TEST_CLIENT_SECRET"))

    /** Skips the calling test in external mode; `reason` says why it cannot run there. */
    fun embeddedOnly(reason: String) = assumeFalse(external, "skipped against an external sandbox: $reason")
}
