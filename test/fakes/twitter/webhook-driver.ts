import { createHmac, randomUUID } from 'node:crypto';
import { loadXFixture } from '../../fixtures/twitter/load.js';

// Fixture JSON edited in place: any field may be set, as X's own bodies carry more than the hub reads.
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `x-twitter-webhooks-signature` for a raw body: sha256= + base64(HMAC-SHA256(consumer secret, body)). */
export function signXBody(rawBody: string, consumerSecret: string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(rawBody).digest('base64')}`;
}

/** One like as the driver describes it; the fixtures give every other field. */
export type XLike = {
  /** The subscribed user (the filter's user_id; the legacy body's for_user_id). */
  subscriber: string;
  /** Who liked: the subscriber for an outbound like; someone else for an inbound one. */
  liker?: string;
  author: string;
  tweet: string;
  /** When the like happened. */
  at: Date;
  /** XAA event_uuid / legacy like id; generated when absent. */
  eventId?: string;
};

/** An XAA `like.create` delivery in the documented shape (fixture like-create-outbound.json / -inbound.json). */
export function xaaLikeBody(like: XLike): Record<string, unknown> {
  const inbound = like.liker !== undefined && like.liker !== like.subscriber;
  const body = loadXFixture<{ data: Json }>(inbound ? 'like-create-inbound' : 'like-create-outbound');
  body.data.event_uuid = like.eventId ?? randomUUID();
  body.data.filter.user_id = like.subscriber;
  Object.assign(body.data.payload, {
    id: randomUUID().replaceAll('-', ''), liked_tweet_id: like.tweet, liked_tweet_author_id: like.author, timestamp_ms: String(like.at.getTime()),
  });
  body.data.includes.tweets[0].id = like.tweet;
  body.data.includes.tweets[0].author_id = like.author;
  return body;
}

/** A legacy Account Activity `favorite_events` delivery (fixture favorite-events-outbound.json / -inbound.json). */
export function legacyFavoriteBody(like: XLike): Record<string, unknown> {
  const inbound = like.liker !== undefined && like.liker !== like.subscriber;
  const body = loadXFixture<{ for_user_id: string; favorite_events: Json[] }>(inbound ? 'favorite-events-inbound' : 'favorite-events-outbound');
  body.for_user_id = like.subscriber;
  const event = body.favorite_events[0]!;
  event.id = like.eventId ?? randomUUID().replaceAll('-', '');
  event.timestamp_ms = like.at.getTime();
  event.favorited_status.id_str = like.tweet;
  event.favorited_status.user.id_str = like.author;
  event.user.id_str = like.liker ?? like.subscriber;
  return body;
}

/**
 * Delivers bodies to the hub's webhook as X does: POST with the raw JSON and
 * its signature (or a wrong or missing one, to test refusals). Resolves to the
 * HTTP status the hub answered.
 */
export function createXWebhookDriver(o: { hubUrl: string; consumerSecret: string }) {
  const endpoint = `${o.hubUrl.replace(/\/+$/, '')}/twitter/webhook`;
  const post = async (raw: string, signature: string | undefined): Promise<number> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-twitter-webhooks-signature': signature }) },
      body: raw,
    });
    await response.arrayBuffer();
    return response.status;
  };
  return {
    endpoint,
    /** A body signed with the consumer secret; `raw` lets a test send exactly these bytes. */
    deliver: (body: unknown, raw = JSON.stringify(body)) => post(raw, signXBody(raw, o.consumerSecret)),
    deliverXaaLike: (like: XLike) => post(...signed(xaaLikeBody(like))),
    deliverLegacyFavorite: (like: XLike) => post(...signed(legacyFavoriteBody(like))),
    /** Signed with another secret. */
    deliverWrongSignature: (body: unknown) => {
      const raw = JSON.stringify(body);
      return post(raw, signXBody(raw, 'not-the-consumer-secret'));
    },
    deliverUnsigned: (body: unknown) => post(JSON.stringify(body), undefined),
    /** X's CRC check: GET ?crc_token=…; resolves to the status and parsed body. */
    async crc(token: string | undefined): Promise<{ status: number; body: unknown }> {
      const url = new URL(endpoint);
      if (token !== undefined) url.searchParams.set('crc_token', token);
      const response = await fetch(url);
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch { /* not JSON */ }
      return { status: response.status, body };
    },
  };
  function signed(body: unknown): [string, string] {
    const raw = JSON.stringify(body);
    return [raw, signXBody(raw, o.consumerSecret)];
  }
}
