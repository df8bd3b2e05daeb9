  /**
   * Checks the options offline (secret format, URL scheme) and builds the client.
   * @throws {InvalidRequestError} when an option is missing or malformed.
   */
  constructor(options?: ClientOptions);
  /** The base URL calls go to. */
  readonly baseUrl: string;
  /** The application id (not a secret). */
  readonly clientId: string;
  /** Whether `close()` was called. */
  readonly closed: boolean;
  /** Every deviation from the spec this client has seen in answers, most frequent first. */
  driftReport(): DriftEntry[];
  /**
   * Closes the client: later calls reject with `InvalidRequestError`; calls in flight finish.
   * Idempotent.
   */
  close(): void;
  /**
   * The same operations, each resolving to `{ data, status, headers, traceId, timestamp }`:
   * `await client.withRawResponse.listProductOrderIds(orderId)`.
   */
  readonly withRawResponse: RawResponseMethods;
