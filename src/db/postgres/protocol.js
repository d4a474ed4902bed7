// @ts-check
/**
 * Messages between the main thread and the PostgreSQL bridge worker (bridge.ts, bridge-worker.js).
 * Plain JavaScript (type-checked from these JSDoc types) so the worker starts without a TypeScript
 * loader, from src/ as from dist/.
 */

/** The NOTIFY channel the data triggers use (migrations/postgres/0001_init.sql). */
export const DATA_CHANNEL = 'kratomwatch_data'

/** Int32 slots of the shared state buffer: an answer is ready; data changes seen; the change feed is live. */
export const SLOT = /** @type {const} */ ({ done: 0, version: 1, listening: 2 })

/**
 * @typedef {{ url: string, state: SharedArrayBuffer, readOnly: boolean }} BridgeSetup
 * @typedef {{ kind: 'connect' } | { kind: 'close' } | { kind: 'query', sql: string, params: unknown[], array?: boolean }} BridgeCall
 * @typedef {BridgeCall & { id: number }} BridgeRequest
 * @typedef {{ id: number, rows: (Record<string, unknown> | unknown[])[], rowCount: number, error?: undefined }
 *   | { id: number, error: { message: string, code: string | null, detail: string | null } }} BridgeReply
 */
