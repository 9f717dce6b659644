import { setFlagsFromString } from 'node:v8';

/**
 * V8 lets the old generation grow to up to four times what survived the last full
 * collection before collecting it again. Under 100 connections of task lists, dead
 * request objects promoted out of the young generation piled up to ~80 MB that way
 * and the server's RSS peaked at 180–230 MB for a live heap of ~30 MB. At 1.5× it
 * stays under ~150 MB, for a full collection every few seconds of such load
 * (decision 013). The flag is read at each collection, so setting it at start
 * works; server.ts only: the app as a library (tests) leaves the VM alone.
 */
export function keepHeapSmall(growingPercent = 50) {
  setFlagsFromString(`--heap-growing-percent=${growingPercent}`);
}
