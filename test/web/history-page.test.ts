import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, type SettlementReport } from '../../src/settlement/build-report.js';
import { settings, settlePeriod } from '../settlement/support/settle-world.js';
import { startIngest } from '../support/ingest-harness.js';
import { likeEvent } from '../support/world.js';
import { ingestLikes, visibleText } from './settings-support.js';
import type { Browser } from './support/browser.js';
import { createWebWorld, type WebWorld } from './support/web-world.js';

type Month = { period: string; currency: string; budget: { minor: number }; charged: { minor: number }; fee: { minor: number }; flattrs: number };
type Recipient = { platform: string; externalId: string; handle: string | null; amount: { minor: number; currency: string }; flattrs: number; claimed: boolean };

/** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += c;
  }
  return rows;
}

/**
 * /history and its CSV after a real settlement (likes through the ingest
 * worker, the period settled by the settle worker): every number is the one
 * `flattr report` gives for the same period, never recomputed.
 */
describe('history page and CSV', () => {
  let w: WebWorld;
  let report: SettlementReport;
  const sessions = new Map<string, { userId: number; browser: Browser }>();
  const SUPPORTERS = ['T5:U1RICH', 'T5:U2POOR', 'T5:U3BROKE'];

  beforeAll(async () => {
    w = await createWebWorld();
    const ingest = await startIngest(w.db, { now: () => w.clock.now });
    try {
      // 20.00 and 7.00 in the wallets (budget 35.00): charged what is there; the third has nothing and is not charged.
      await w.supporter('slack', 'T5:U1RICH', 2000n);
      await w.supporter('slack', 'T5:U2POOR', 700n);
      await w.supporter('slack', 'T5:U3BROKE', 0n);
      await w.userWithLink('slack', 'T5:U9JOINED');
      const likes = [
        ['T5:U1RICH', 'T5:U7EVIL', 3], ['T5:U1RICH', 'T5:U8QUOTE', 2], ['T5:U1RICH', 'T5:U9JOINED', 1],
        ['T5:U2POOR', 'T5:U7EVIL', 1], ['T5:U2POOR', 'T5:U9JOINED', 2], ['T5:U3BROKE', 'T5:U7EVIL', 1],
      ] as const;
      let n = 0;
      const events = likes.flatMap(([liker, author, count]) => Array.from({ length: count }, () =>
        likeEvent({ liker, author, item: `T5:C1:${++n}.0`, community: 'T5', occurredAt: `2026-10-${String(1 + (n % 27)).padStart(2, '0')}T10:00:00Z` })));
      expect((await ingestLikes(ingest, events)).accepted).toBe(events.length);
    } finally {
      await ingest.close();
    }
    // A display name is the creator's to choose: one that a spreadsheet would run, one that needs quoting.
    await w.db.$executeRawUnsafe(`UPDATE identities SET handle = '=HYPERLINK("http://evil.example","click")' WHERE external_id = 'T5:U7EVIL'`);
    await w.db.$executeRawUnsafe(`UPDATE identities SET handle = 'Doe, "Jane"' WHERE external_id = 'T5:U8QUOTE'`);
    await settlePeriod(w.db, '2026-10', settings());
    report = await buildReport(w.db, '2026-10');
    for (const id of SUPPORTERS) sessions.set(id, await w.signedIn('slack', id));
  }, 60_000);
  afterAll(async () => { await w?.close(); });

  const api = async <T>(id: string, path: string) => {
    const res = await sessions.get(id)!.browser.json('GET', path);
    return { status: res.status, body: JSON.parse(res.body) as T };
  };

  it('each supporter\'s month is the report\'s row, and the recipients of all of them add up to the report\'s, to the cent', async () => {
    const perRecipient = new Map<string, { amount: number; flattrs: number; claimed: boolean }>();
    for (const id of SUPPORTERS) {
      const row = report.supporters.find((s) => s.identities.some((i) => i.externalId === id))!;
      const { body } = await api<{ months: Month[] }>(id, '/api/v1/history');
      expect(body.months).toEqual([expect.objectContaining({
        period: '2026-10', currency: 'EUR', budget: { minor: Number(row.budget), currency: 'EUR' },
        charged: { minor: Number(row.charged), currency: 'EUR' }, fee: { minor: Number(row.fee), currency: 'EUR' }, flattrs: row.flattrs,
      })]);
      const month = await api<Month & { recipients: Recipient[] }>(id, '/api/v1/history/2026-10');
      expect(month.status).toBe(200);
      expect(month.body.recipients.reduce((sum, r) => sum + r.amount.minor, 0)).toBe(Number(row.charged - row.fee));
      for (const r of month.body.recipients) {
        const seen = perRecipient.get(r.externalId) ?? { amount: 0, flattrs: 0, claimed: true };
        perRecipient.set(r.externalId, { amount: seen.amount + r.amount.minor, flattrs: seen.flattrs + r.flattrs, claimed: seen.claimed && r.claimed });
      }
    }
    expect(report.supporters.map((s) => Number(s.charged))).toEqual(expect.arrayContaining([2000, 700, 0]));
    expect(Object.fromEntries(perRecipient)).toEqual(Object.fromEntries(report.recipients.map((r) => [r.externalId, { amount: Number(r.amount), flattrs: r.flattrs, claimed: r.claimed }])));
  });

  it('the page lists the month with its charge, fee and creators; a month nothing was charged says so', async () => {
    const rich = await sessions.get('T5:U1RICH')!.browser.get('/history');
    expect(rich.status).toBe(200);
    expect(rich.body).toContain('<a href="/history" aria-current="page">History</a>');
    const text = visibleText(rich);
    expect(text).toContain('October 2026 Charged €20.00 Fee €2.00 Flattrs 6 Budget €35.00');
    expect(text).toMatch(/Slack =HYPERLINK\("http:\/\/evil\.example","click"\) \(held until they join\) 3 €9\.00/);
    expect(text).toContain('Download every month (CSV)');
    const broke = visibleText(await sessions.get('T5:U3BROKE')!.browser.get('/history'));
    expect(broke).toContain('Charged €0.00');
    expect(broke).toContain('Nothing was charged this month.');
  });

  it('/history.csv and /history/2026-10.csv: an attachment, quoted, amounts as decimals with their currency, formulas defused, matching the report', async () => {
    const { browser } = sessions.get('T5:U1RICH')!;
    const all = await browser.get('/history.csv');
    expect(all.status).toBe(200);
    expect(all.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(all.headers['content-disposition']).toBe('attachment; filename="flattr-history.csv"');
    const rows = parseCsv(all.body);
    expect(rows[0]).toEqual(['period', 'line', 'platform', 'account', 'name', 'flattrs', 'amount', 'currency']);
    const row = report.supporters.find((s) => s.identities.some((i) => i.externalId === 'T5:U1RICH'))!;
    expect(rows[1]).toEqual(['2026-10', 'charged', '', '', '', '6', '20.00', 'EUR']);
    expect(rows[2]).toEqual(['2026-10', 'fee', '', '', '', '', '2.00', 'EUR']);
    expect(row.charged).toBe(2000n);
    const recipients = rows.slice(3);
    expect(recipients).toEqual([
      ['2026-10', 'recipient', 'slack', 'T5:U7EVIL', `'=HYPERLINK("http://evil.example","click")`, '3', '9.00', 'EUR'],
      ['2026-10', 'recipient', 'slack', 'T5:U8QUOTE', 'Doe, "Jane"', '2', '6.00', 'EUR'],
      ['2026-10', 'recipient', 'slack', 'T5:U9JOINED', '', '1', '3.00', 'EUR'],
    ]);
    expect(all.body).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(all.body).toContain('"Doe, ""Jane"""');
    expect(all.body.endsWith('\r\n')).toBe(true);

    const month = await browser.get('/history/2026-10.csv');
    expect(month.headers['content-disposition']).toBe('attachment; filename="flattr-history-2026-10.csv"');
    expect(month.body).toBe(all.body);
  });

  it('refusals: signed out 401; a month that is not a settled one of yours, or not a month, 404', async () => {
    for (const path of ['/history', '/history.csv', '/history/2026-10', '/history/2026-10.csv']) {
      expect((await w.browser().get(path)).status, path).toBe(401);
    }
    const { browser } = sessions.get('T5:U1RICH')!;
    for (const path of ['/history/2026-09', '/history/2026-11.csv', '/history/2026-13', '/history/oct', '/history/2026-10.xlsx']) {
      expect((await browser.get(path)).status, path).toBe(404);
    }
    const stranger = await w.signedIn('slack', 'T5:U0NEW');
    expect(visibleText(await stranger.browser.get('/history'))).toContain('No month of yours has been settled yet.');
    expect((await stranger.browser.get('/history/2026-10.csv')).status).toBe(404);
    const apiMonth = await stranger.browser.json('GET', '/api/v1/history/2026-10');
    expect(apiMonth.status).toBe(404);
    expect(JSON.parse(apiMonth.body).error.code).toBe('not_found');
    expect((await stranger.browser.json('GET', '/api/v1/history/2026-1')).status).toBe(404);
    expect((await w.browser().json('GET', '/api/v1/history')).status).toBe(401);
  });

  it('one month in full on /history/2026-10, and in French', async () => {
    const month = visibleText(await sessions.get('T5:U2POOR')!.browser.get('/history/2026-10'));
    expect(month).toContain('All months');
    expect(month).toContain('Download October 2026 (CSV)');
    const fr = await w.signedIn('slack', 'T5:U1RICH', 'fr');
    const page = await fr.browser.get('/history');
    expect(page.body).toContain('<html lang="fr">');
    const text = visibleText(page);
    expect(text).toContain('Historique');
    expect(text).toContain('Octobre 2026 Prélevé 20,00 € Commission 2,00 €');
    expect(text).toContain('Télécharger tous les mois (CSV)');
  });
});
