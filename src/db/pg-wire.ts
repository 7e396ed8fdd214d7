/**
 * Just enough of PostgreSQL's wire protocol (v3) to frame what a client sends
 * and to read the transaction status PGlite reports back.
 * https://www.postgresql.org/docs/current/protocol-message-formats.html
 */

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** PostgreSQL's own limit on one message. */
const MAX_MESSAGE = 1 << 30;
const MAX_STARTUP = 10_000;

export type FrontendMessages =
  | { kind: 'incomplete' }
  | { kind: 'no-ssl' | 'cancel' | 'terminate'; length: number }
  | { kind: 'startup' | 'messages'; length: number; bytes: Uint8Array }
  | { kind: 'invalid'; length: number; reason: string };

/**
 * What the front of `buffer` holds: before the startup message, one untyped
 * message (startup, SSL or GSS encryption request, cancel request); after it,
 * every complete typed message up to a Terminate, in one batch (PGlite takes
 * several at once, like a Parse-Bind-Execute-Sync pipeline).
 */
export function nextFrontendMessages(buffer: Buffer, started: boolean): FrontendMessages {
  if (!started) {
    if (buffer.length < 8) return { kind: 'incomplete' };
    const length = buffer.readInt32BE(0);
    const code = buffer.readInt32BE(4);
    if (length < 8 || length > MAX_STARTUP) return { kind: 'invalid', length: buffer.length, reason: `startup message of ${length} bytes` };
    if (buffer.length < length) return { kind: 'incomplete' };
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) return { kind: 'no-ssl', length };
    if (code === CANCEL_REQUEST) return { kind: 'cancel', length };
    if (code !== PROTOCOL_3) return { kind: 'invalid', length, reason: `protocol version ${code}` };
    return { kind: 'startup', length, bytes: buffer.subarray(0, length) };
  }
  let end = 0;
  while (buffer.length - end >= 5) {
    const type = buffer[end]!;
    const length = buffer.readInt32BE(end + 1);
    if (length < 4 || length > MAX_MESSAGE) return { kind: 'invalid', length: buffer.length, reason: `message ${String.fromCharCode(type)} of ${length} bytes` };
    if (buffer.length - end < 1 + length) break;
    if (type === 0x58 /* X: Terminate */) {
      return end === 0 ? { kind: 'terminate', length: 5 } : { kind: 'messages', length: end, bytes: buffer.subarray(0, end) };
    }
    end += 1 + length;
  }
  return end === 0 ? { kind: 'incomplete' } : { kind: 'messages', length: end, bytes: buffer.subarray(0, end) };
}

/** The status of the last ReadyForQuery in a reply: 'I' idle, 'T' in a transaction, 'E' in a failed one; undefined if none. */
export function readyStatus(reply: Uint8Array): 'I' | 'T' | 'E' | undefined {
  const view = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
  let status: 'I' | 'T' | 'E' | undefined;
  for (let at = 0; view.length - at >= 5; at += 1 + Math.max(4, view.readInt32BE(at + 1))) {
    if (view[at] === 0x5a /* Z */ && view.length - at >= 6) status = String.fromCharCode(view[at + 5]!) as 'I' | 'T' | 'E';
  }
  return status;
}

/** Sync: ends an extended-query cycle (and discards what an error left of it). */
export const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);
/** Query "ROLLBACK". */
export const ROLLBACK = simpleQuery('ROLLBACK');
/** Query "DISCARD ALL": session settings, prepared statements, cursors, temporary tables, listeners back to a fresh session's. */
export const DISCARD_ALL = simpleQuery('DISCARD ALL');

function simpleQuery(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, 'utf8');
  const message = Buffer.alloc(5 + text.length);
  message.write('Q', 0, 'latin1');
  message.writeInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}
