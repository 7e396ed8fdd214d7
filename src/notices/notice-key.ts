import { createHash } from 'node:crypto';

export type NoticeKeyParts = { kind: string; period: string; target: string; part: number };

/** The once-only key of a notice, as one string: "digest|2026-11|discord:4177…|1". */
export function noticeKey(k: NoticeKeyParts): string {
  return `${k.kind}|${k.period}|${k.target}|${k.part}`;
}

/**
 * The `notify` job id of a notice: derived from its key, so the same notice
 * is one job while that job exists (the outbox row is the real guard).
 * Hashed because BullMQ ids must not contain ':' and the key holds some.
 */
export function noticeJobId(key: string): string {
  return `notice-${createHash('sha256').update(key).digest('base64url').slice(0, 32)}`;
}

/**
 * Discord's message nonce for a notice (at most 25 characters): with
 * enforce_nonce, a resend after a crash between Discord's answer and our
 * commit returns the first message instead of posting a second one.
 * https://discord.com/developers/docs/resources/message#create-message
 */
export function noticeNonce(key: string): string {
  return createHash('sha256').update(`nonce:${key}`).digest('base64url').slice(0, 25);
}
