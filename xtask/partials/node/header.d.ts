/**
 * npay-order — an unofficial SDK for the Naver Pay merchant order API (주문형 API).
 *
 * Every operation of the API is a method of `Client` returning a Promise of the envelope's
 * `data` as plain objects with the API's camelCase keys. Dates are sent as ISO-8601 with
 * milliseconds and `+09:00` (pass a `Date` or such a string); date-times read back are strings.
 * Enum values Naver adds after this version are kept as strings.
 */
