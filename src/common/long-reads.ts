/**
 * The statement timeout of the long reads (the official report, the overdue list, unit statistics): their own
 * transaction sets it with SET LOCAL, above the pool's request-sized DATABASE_STATEMENT_TIMEOUT_MS, so that at a
 * million tickets a slow report is slow, not a 503.
 */
export const LONG_READ_STATEMENT_TIMEOUT = '120s';
