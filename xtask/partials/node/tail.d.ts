// ----- Errors --------------------------------------------------------------------------------

/** One invalid input, named as the API names it (`productOrderIds`, `dispatchProductOrders[3].trackingNumber`). */
export interface InvalidInput {
  readonly name: string;
  /** The server's kind of problem (`typeMismatch`), or `client` for the SDK's own checks. */
  readonly kind: string;
  readonly message: string;
}

/** The root of every error this package throws. None ever contains the secret, a signature or a token. */
export declare class NpayError extends Error {
  /** Naver's error code (`"104442"`, `"GW.AUTHN"`), when the server answered. */
  readonly code: string | null;
  /** HTTP status, when the server answered. */
  readonly status: number | null;
  /** The trace id to quote to Naver support, if any. */
  readonly traceId: string | null;
  /** When the server answered (ISO-8601), if it said. */
  readonly timestamp: string | null;
  /** Which inputs were invalid: the SDK's own findings, or the server's. */
  readonly invalidInputs: readonly InvalidInput[];
  /** Whether a mutation that failed this way may nonetheless have been applied (read the state before repeating it). */
  readonly mayHaveBeenApplied: boolean;
}
/** The API or its gateway answered with an error status. */
export declare class ApiError extends NpayError {
  readonly status: number;
  readonly code: string;
}
/** 400: the server rejected the request (`code` says why). */
export declare class BadRequestError extends ApiError {}
/** 401: the credentials or the token were refused. */
export declare class AuthenticationError extends ApiError {}
/** 403: not allowed (e.g. `GW.IP_NOT_ALLOWED`: register the calling IP). */
export declare class PermissionDeniedError extends ApiError {}
/** 404: unknown order or product order. */
export declare class NotFoundError extends ApiError {}
/** 429: rate limit or quota (already retried up to `maxRetries`). */
export declare class RateLimitError extends ApiError {}
/** 5xx: a server or gateway fault (reads already retried). */
export declare class ServerError extends ApiError {}
/** No response: refused, reset, DNS, TLS. */
export declare class ApiConnectionError extends NpayError {}
/** No response in time. */
export declare class ApiTimeoutError extends ApiConnectionError {}
/** Rejected by the client before anything was sent (bad argument, closed client). */
export declare class InvalidRequestError extends NpayError {}

// ----- Signature -----------------------------------------------------------------------------

/**
 * The `client_secret_sign` of a token request:
 * `base64(bcrypt(clientId + "_" + timestampMs, salt = clientSecret))`.
 * @throws {InvalidRequestError} when the secret is not a bcrypt salt or the timestamp not an integer.
 */
export declare function sign(clientId: string, clientSecret: string, timestampMs: number): string;

// ----- Sandbox (local emulator) --------------------------------------------------------------

/** Options of `startSandbox(options)`. */
export interface SandboxOptions {
  /** The application id it accepts (default `sandbox-client-id`). */
  clientId?: string;
  /** The application secret, a bcrypt salt (default `$2a$04$sandboxsecretsandboxse`). */
  clientSecret?: string;
  /** Seed of the generated data, for repeatable runs (default: random, see `Sandbox.seed`). */
  seed?: number | bigint;
  /** Gateway rate limit in requests per second (default: off). */
  rateLimitRps?: number;
}

// @generated-sandbox-events

/** Body of `Sandbox.createOrders`. */
export interface SandboxOrderRequest {
  /** How many orders (default 1). */
  count?: number;
  /** Their state (default `PAYED`). */
  status?: 'PAYED' | 'PAYMENT_WAITING';
  /** Product orders per order (default 1). */
  productsPerOrder?: number;
}

/** Ids of the orders `Sandbox.createOrders` made. */
export interface SandboxOrders {
  orderIds: string[];
  productOrderIds: string[];
}

/** Injected failures (`Sandbox.setFaults`); rates are 0–1. */
export interface SandboxFaults {
  serverErrorRate?: number;
  rateLimitRate?: number;
  resetRate?: number;
  latencyMs?: number;
  seed?: number;
}

/** What the sandbox has seen since the last reset. */
export interface SandboxStats {
  tokensIssued: number;
  /** Requests by operationId, `issueToken` included. */
  requests: Record<string, number>;
  /** Mutations applied, by operationId. */
  mutationsApplied: Record<string, number>;
}

/** Options of `connectSandbox(baseUrl, options)`. */
export interface ConnectSandboxOptions {
  /** The base URL clients are given (default: the sandbox's `baseUrl`), e.g. a proxy in front of it. */
  apiUrl?: string;
  /** The application id the sandbox accepts (default: the one it reports). */
  clientId?: string;
  /** The application secret the sandbox accepts (default `$2a$04$sandboxsecretsandboxse`). */
  clientSecret?: string;
}

/** A running local emulator of the API (see `startSandbox` and `connectSandbox`). */
export interface Sandbox {
  /** What a client's `baseUrl` is set to (`http://127.0.0.1:PORT/npay/partner`, or `apiUrl`). */
  readonly baseUrl: string;
  /** The base URL of the control API (`<the sandbox's base URL>/_sandbox`, never a proxy). */
  readonly controlUrl: string;
  /** The application id it accepts. */
  readonly clientId: string;
  /** The application secret it accepts (a sandbox value, not a real secret). */
  readonly clientSecret: string;
  /** The data seed in use. */
  readonly seed: bigint;
  /**
   * Options every `client()` gets unless the call overrides them, e.g. `{ strict: true }` for a
   * suite that proves the sandbox conforms to the spec.
   */
  clientDefaults: Omit<ClientOptions, 'clientId' | 'clientSecret' | 'baseUrl' | 'environment'>;
  /** A `Client` talking to this sandbox with its credentials. */
  client(options?: Omit<ClientOptions, 'clientId' | 'clientSecret' | 'baseUrl' | 'environment'>): Client;
  /** Creates orders (`POST _sandbox/orders`). */
  createOrders(request?: SandboxOrderRequest): Promise<SandboxOrders>;
  /** Makes a buyer, courier or time event happen to a product order. */
  event(productOrderId: string, event: SandboxEvent, body?: { reason?: string; detailedReason?: string }): Promise<unknown>;
  /** Moves the sandbox's clock forward (token expiry, timestamps of data and changes). */
  advanceClock(seconds: number): Promise<unknown>;
  /** Sets injected failures; `setFaults({})` turns them off. */
  setFaults(faults: SandboxFaults): Promise<unknown>;
  /**
   * Makes answers deviate from the spec as a real API's may (`{ rate: 0.3, kinds: ['stringNumbers'],
   * seed: 1 }`; kinds default to all; essential fields are never touched; `{ rate: 0 }` turns it off).
   */
  setDeviations(deviations: { rate: number; kinds?: string[]; seed?: number }): Promise<unknown>;
  /** Counters since the last reset. */
  stats(): Promise<SandboxStats>;
  /** Forgets every order, token, fault and counter. */
  reset(): Promise<void>;
  /** Any control-API call: `control('GET', 'info')`. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Stops the server; idempotent. Leaves a sandbox attached by `connectSandbox` running. */
  close(): Promise<void>;
}

/**
 * Starts the emulator inside this process on a free loopback port: real HTTP, Naver's auth,
 * envelopes, errors and order state machine, with no credentials needed.
 *
 * ```ts
 * const sandbox = await startSandbox({ seed: 7 });
 * const client = sandbox.client();
 * const { productOrderIds } = await sandbox.createOrders({ count: 2 });
 * await client.confirmProductOrders({ productOrderIds });
 * await sandbox.close();
 * ```
 */
export declare function startSandbox(options?: SandboxOptions): Promise<Sandbox>;

/**
 * Attaches to a sandbox that is already running (the `npay-sandbox` binary, e.g. in a container):
 * the same helpers as `startSandbox` gives, except that `close()` leaves the sandbox running.
 * Resolves once the sandbox answered `GET <baseUrl>/_sandbox/info`; `seed` is the one it reports.
 *
 * ```ts
 * // npay-sandbox --port 41234  →  "npay-sandbox listening on http://127.0.0.1:41234/npay/partner"
 * const sandbox = await connectSandbox('http://127.0.0.1:41234/npay/partner');
 * await sandbox.reset();
 * const client = sandbox.client();
 * ```
 * @param baseUrl the sandbox's base URL, as it printed it; the control API is `<baseUrl>/_sandbox`.
 * @throws {InvalidRequestError} for a bad URL or option (checked as `client()` would check them).
 * @throws {ApiConnectionError} when nothing answers at `baseUrl`.
 */
export declare function connectSandbox(baseUrl: string, options?: ConnectSandboxOptions): Promise<Sandbox>;
