/**
 * An idempotency key as a client may send it (`Idempotency-Key`): the citizen app's reports and staff ticket
 * creations take the same form.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
