/** One public operation, as listed in `OPERATIONS`. */
export interface OperationInfo {
  /** HTTP method. */
  readonly method: string;
  /** Path below the base URL. */
  readonly path: string;
  /** The path parameters, which the method takes positionally in this order. */
  readonly pathParams: readonly string[];
}

/** Every public operation: method, path and positional parameters. */
export declare const OPERATIONS: Readonly<Record<OperationId, OperationInfo>>;
