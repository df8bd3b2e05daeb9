/** Options of `new Client(options)`. */
export interface ClientOptions {
  /** Application id (애플리케이션 ID); default `process.env.NPAY_CLIENT_ID`. */
  clientId?: string;
  /**
   * Application secret, a bcrypt salt (`$2a$04$…`); default `process.env.NPAY_CLIENT_SECRET`.
   * It never appears in `util.inspect`, errors or logs.
   */
  clientSecret?: string;
  /** `"production"` (default) or `"sandbox"` (Naver's own sandbox); ignored when `baseUrl` is set. */
  environment?: 'production' | 'sandbox';
  /** Any base URL, e.g. the local emulator's (`startSandbox().baseUrl`). HTTPS unless loopback. */
  baseUrl?: string;
  /** Whole-request timeout of each attempt, in milliseconds; default 30 000. */
  timeoutMs?: number;
  /** Retries after the first attempt where retrying is safe; default 2, 0 disables. */
  maxRetries?: number;
  /**
   * Reject a call whose answer deviates from the spec (`NpayError`, naming each deviation's path)
   * instead of reading it tolerantly; default `false`. For tests against the sandbox.
   */
  strict?: boolean;
}

/** One way the API's answers differed from the spec (see `driftReport()`). Never holds a value. */
export interface DriftEntry {
  /** The operation whose answer it was. */
  operation: string;
  /** JSON path from the body's root, list indices collapsed: `data[].productOrder.totalPaymentAmount`. */
  path: string;
  /** What the spec says is there (`integer`, `date-time`, `object ProductOrder`, `absent`). */
  expected: string;
  /** What was there, as a JSON type (`string`, `number`, `null`, `absent`). */
  seen: string;
  /** What the read did: the value was `coerced` losslessly, `emptied`, `missing`, or an `unknownField` kept. */
  kind: 'coerced' | 'emptied' | 'missing' | 'unknownField';
  /** How many times it was seen. */
  count: number;
  /** When it was first seen (ISO-8601, UTC). */
  firstSeen: string;
}

/** A call's `data` with the raw response beside it (from `client.withRawResponse`). */
export interface RawResponse<T> {
  /** The envelope's `data`, exactly what the plain method resolves to. */
  data: T;
  /** HTTP status (200). */
  status: number;
  /** Response headers, names in lower case; repeated headers joined with `", "`. */
  headers: Record<string, string>;
  /** The envelope's `traceId` (or the `GNCP-GW-Trace-ID` header): quote it to Naver support. */
  traceId: string | null;
  /** The envelope's `timestamp`: the server's clock, ISO-8601 with `+09:00`. */
  timestamp: string | null;
}

