import type { Tx } from '../db/database.js';
import { noticeLocale } from './format-notice.js';
import { dmAddress, type NewNotice } from './notice-row.js';
import { pickDmIdentities } from './pick-dm-identities.js';
import { renderStatement, type StatementInput } from './render-statement.js';

/** How many recipients a statement names; the rest are counted. */
export const TOP_RECIPIENTS = 3;

type Settled = { supporter_id: number; currency: string; budget: bigint; charged: bigint; fee: bigint; flattrs: number; locale: string; opted_in: boolean };
type Top = { supporter_id: number; platform: string; external_id: string; handle: string | null; amount: bigint; recipients: number };

/** Supporters whose statements are rendered at a time: deriving a month of any size holds one page of them. */
export const STATEMENT_PAGE = 1_000;

/** Reads only: the hub's client, or a transaction (deriving writes each page as it goes). */
type Reader = Pick<Tx, '$queryRawUnsafe'>;

/**
 * A statement DM per supporter who flattred in the period and has
 * statements on (the default), on the account they joined with. On X only
 * with explicit consent (`/flattr statement on`), as X's rules require.
 * Every page at once: for `flattr notify --dry-run`, which prints them all.
 */
export async function planStatements(db: Reader, period: string): Promise<NewNotice[]> {
  const notices: NewNotice[] = [];
  for (let after = 0; ;) {
    const page = await planStatementPage(db, period, after, STATEMENT_PAGE);
    if (page.lastSupporterId === null) return notices;
    notices.push(...page.notices);
    after = page.lastSupporterId;
  }
}

/**
 * The statements of the next `limit` supporters after `afterSupporterId`
 * (in id order), and the last supporter read (null once none is left; a
 * page may hold fewer notices than supporters, some have no DM account).
 */
export async function planStatementPage(db: Reader, period: string, afterSupporterId: number, limit: number): Promise<{ notices: NewNotice[]; lastSupporterId: number | null }> {
  const settled = await db.$queryRawUnsafe<Settled[]>(
    `SELECT s.supporter_id, trim(s.currency) AS currency, s.budget, s.charged, s.fee, s.flattrs, u.locale, coalesce(st.statements_opted_in, false) AS opted_in
       FROM supporter_settlements s JOIN users u ON u.id = s.supporter_id LEFT JOIN supporter_settings st ON st.user_id = s.supporter_id
      WHERE s.period = $1 AND s.flattrs > 0 AND coalesce(st.statement_dms, true) AND s.supporter_id > $2
      ORDER BY s.supporter_id LIMIT $3`,
    period, afterSupporterId, limit,
  );
  if (settled.length === 0) return { notices: [], lastSupporterId: null };
  const ids = settled.map((s) => s.supporter_id);
  const top = await db.$queryRawUnsafe<Top[]>(
    `SELECT supporter_id, platform, external_id, handle, amount, recipients FROM (
       SELECT s.supporter_id, i.platform, i.external_id, i.handle, sum(u.amount)::int8 AS amount,
              row_number() OVER (PARTITION BY s.supporter_id ORDER BY sum(u.amount) DESC, i.id) AS rank,
              (count(*) OVER (PARTITION BY s.supporter_id))::int AS recipients
         FROM supporter_settlements s
        CROSS JOIN LATERAL unnest(s.flattr_ids, s.shares) AS u(flattr_id, amount)
         JOIN flattrs f ON f.id = u.flattr_id JOIN identities i ON i.id = f.recipient_identity_id
        WHERE s.period = $1 AND s.charged > 0 AND s.supporter_id = ANY($3::int[])
        GROUP BY s.supporter_id, i.id) r
      WHERE rank <= $2 ORDER BY supporter_id, rank`,
    period, TOP_RECIPIENTS, ids,
  );
  const tops = new Map<number, Top[]>();
  for (const t of top) tops.set(t.supporter_id, [...(tops.get(t.supporter_id) ?? []), t]);
  const dm = await pickDmIdentities(db, ids);
  const notices: NewNotice[] = [];
  for (const s of settled) {
    const to = dm.get(s.supporter_id);
    if (!to || (to.platform === 'twitter' && !s.opted_in)) continue;
    const address = dmAddress(to.platform, to.externalId);
    const locale = noticeLocale(s.locale);
    const mine = tops.get(s.supporter_id) ?? [];
    const money = (minor: bigint) => ({ minor, currency: s.currency });
    const input: StatementInput = {
      platform: to.platform, team: address.community, locale, period,
      budget: money(s.budget), charged: money(s.charged), fee: money(s.fee), flattrs: s.flattrs,
      top: mine.map((t) => ({ platform: t.platform, externalId: t.external_id, handle: t.handle, amount: money(t.amount) })),
      more: Math.max(0, (mine[0]?.recipients ?? 0) - mine.length),
    };
    notices.push({
      kind: 'statement', period, target: `user:${s.supporter_id}`, part: 1, parts: 1, platform: to.platform, community: address.community,
      channel: null, recipientIdentityId: to.id, locale, payload: renderStatement(input), status: 'pending', reason: null,
    });
  }
  return { notices, lastSupporterId: ids.at(-1)! };
}
