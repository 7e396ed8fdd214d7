import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PeriodWithStatus } from '../../settlement/period-status.js';
import { formatMoney } from '../../domain/money.js';
import { lastLedgerCheck, type LastLedgerCheck } from '../admin/last-ledger-check.js';
import { requireOperator } from '../admin/operator-access.js';
import { dryRunPeriod, loadOperatorPeriods, loadPeriodDetail, type DryRun, type PeriodDetail } from '../admin/operator-views.js';
import { html, type Html } from '../html.js';
import { ADMIN_MESSAGES, type AdminMessages } from '../messages/admin.js';
import { pageNav } from '../page-nav.js';
import type { WebLocale } from '../pick-locale.js';
import { pageLocale, replyPage } from '../reply-page.js';
import type { WebContext } from '../web-context.js';

type PageContext = { locale: WebLocale; a: AdminMessages; when(d: Date): string; csrfToken?: string };

/**
 * The operator pages: `/admin` (settlement runs per period with a dry run for
 * each period not settling yet, the ledger self-check's last answer, the
 * queue dashboard and metrics), `/admin/periods/<YYYY-MM>` (a run and its
 * notices) and `POST /admin/periods/<YYYY-MM>/dry-run` (the preview; it only
 * reads). Operators only: the admin token, or a user marked admin.
 */
export function registerAdminPages(scope: FastifyInstance, ctx: WebContext): void {
  scope.get('/admin', async (request, reply) => {
    await requireOperator(ctx, request, reply);
    const [periods, check] = await Promise.all([loadOperatorPeriods(ctx), ctx.admin.settleQueue().then(lastLedgerCheck)]);
    return replyAdmin(ctx, request, reply, (p) => ({
      title: p.a.title,
      body: html`<h1>${p.a.title}</h1>
<h2>${p.a.periods}</h2>
${periodsTable(p, periods.periods)}
${periods.waiting.length ? html`<p>${p.a.waiting(periods.waiting.join(', '))}</p>` : ''}
<p class="muted">${p.a.nextClose(periods.next.period, p.when(periods.next.at))}</p>
<h2>${p.a.ledger}</h2>
${ledgerSection(p, check)}
<h2>${p.a.tools}</h2>
<ul><li><a href="/admin/queues">${p.a.queues}</a></li><li><a href="/metrics">${p.a.metrics}</a></li></ul>`,
    }));
  });

  scope.get<{ Params: { period: string } }>('/admin/periods/:period', async (request, reply) => {
    await requireOperator(ctx, request, reply);
    const detail = await loadPeriodDetail(ctx, request.params.period);
    return replyAdmin(ctx, request, reply, (p) => ({ title: p.a.periodTitle(detail.period.period), body: periodBody(p, detail) }));
  });

  scope.post<{ Params: { period: string } }>('/admin/periods/:period/dry-run', async (request, reply) => {
    await requireOperator(ctx, request, reply);
    const preview = await dryRunPeriod(ctx, request.params.period);
    return replyAdmin(ctx, request, reply, (p) => ({ title: p.a.dryRunTitle(preview.period), body: dryRunBody(p, preview) }));
  });
}

async function replyAdmin(
  ctx: WebContext, request: FastifyRequest, reply: FastifyReply, page: (p: PageContext) => { title: string; body: Html },
): Promise<FastifyReply> {
  const viewer = request.viewer;
  const [user] = viewer ? await ctx.db.$queryRawUnsafe<{ locale: string }[]>(`SELECT locale FROM users WHERE id = $1`, viewer.userId) : [];
  const { locale, m } = pageLocale(request, user?.locale);
  // Only operators reach here (requireOperator asked the database afresh): the Operator link shows.
  const nav = await pageNav(ctx, request, 'admin', { admin: true });
  const fmt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: ctx.money.timeZone, timeZoneName: 'short' });
  const { title, body } = page({ locale, a: ADMIN_MESSAGES[locale], when: (d) => fmt.format(d), csrfToken: nav?.csrfToken });
  return replyPage(reply, 200, { locale, m, title, nav, body });
}

function periodsTable(p: PageContext, periods: PeriodWithStatus[]): Html {
  const { a } = p;
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${a.period}</th><th scope="col">${a.status}</th><th scope="col" class="num">${a.supporters}</th><th scope="col" class="num">${a.flattrs}</th><th scope="col">${a.started}</th><th scope="col">${a.finished}</th><th scope="col"><span class="muted">${a.dryRun}</span></th></tr></thead>
<tbody>${periods.map((r) => html`<tr>
<td class="nowrap"><a href="/admin/periods/${r.period}">${r.period}</a></td>
<td>${a.statuses[r.status]}${r.reason && r.status !== 'running' ? html`<br><span class="muted">${r.reason}</span>` : ''}${r.status === 'running' && r.run ? html`<br><span class="muted">${a.progress(r.run.settled, r.run.supporters)}</span>` : ''}${r.status === 'open' ? html`<br><span class="muted">${a.closesAt(p.when(r.closesAt))}</span>` : ''}</td>
<td class="num">${r.run ? r.run.supporters : r.pending.supporters}</td>
<td class="num">${r.run ? r.run.flattrs : r.pending.flattrs}</td>
<td>${r.run ? p.when(r.run.startedAt) : ''}</td>
<td>${r.run?.finishedAt ? html`${p.when(r.run.finishedAt)}<br><span class="muted">${a.took(seconds(p, r.run.startedAt, r.run.finishedAt))}</span>` : ''}</td>
<td>${r.run ? '' : dryRunForm(p, r.period)}</td>
</tr>`)}</tbody>
</table></div>`;
}

/** A POST form (never a link a crawler or prefetch follows), though it only reads: a dry run can take a while on a big month. */
function dryRunForm(p: PageContext, period: string): Html {
  return html`<form method="post" action="/admin/periods/${period}/dry-run" class="inline">${p.csrfToken ? html`<input type="hidden" name="_csrf" value="${p.csrfToken}">` : ''}<button type="submit" class="secondary" aria-label="${p.a.dryRunLabel(period)}">${p.a.dryRun}</button></form>`;
}

function ledgerSection(p: PageContext, check: LastLedgerCheck | undefined): Html {
  const { a } = p;
  if (!check) return html`<p>${a.ledgerNone}</p>`;
  const trigger = `${a.triggers[check.trigger] ?? check.trigger}${check.period ? ` ${check.period}` : ''}`;
  const verdict = check.result === null ? html`<p class="form-error">${a.ledgerFailed(check.error ?? '')}</p>`
    : check.result.ok ? html`<p>${a.ledgerOk(check.result.checks)}</p>`
      : html`<p class="form-error">${a.ledgerBroken(check.result.broken.length)}</p><ul>${check.result.broken.map((b) => html`<li><code>${b.check}</code>: ${b.invariant} (${b.detail})</li>`)}</ul>`;
  return html`${verdict}<p class="muted">${a.ledgerWhen(p.when(check.at), trigger)}</p>`;
}

function periodBody(p: PageContext, { period: r, notices }: PeriodDetail): Html {
  const { a } = p;
  return html`<h1>${a.periodTitle(r.period)}</h1>
<p><a href="/admin">${a.back}</a></p>
<h2>${a.run}</h2>
${periodsTable(p, [r])}
${r.run ? '' : html`<p>${a.noRun}</p>`}
<h2>${a.notices}</h2>
${notices.counts.length === 0 ? html`<p>${a.noticesNone}</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${a.kind}</th><th scope="col">${a.status}</th><th scope="col">${a.reason}</th><th scope="col" class="num">${a.count}</th></tr></thead>
<tbody>${notices.counts.map((c) => html`<tr><td>${c.kind}</td><td>${c.status}</td><td>${c.reason ?? ''}</td><td class="num">${c.n}</td></tr>`)}</tbody>
</table></div>`}
${notices.unsent.length ? html`<div class="table-wrap"><table>
<caption>${a.unsent}</caption>
<thead><tr><th scope="col">${a.kind}</th><th scope="col">${a.to}</th><th scope="col">${a.status}</th><th scope="col">${a.reason}</th><th scope="col" class="num">${a.attempts}</th></tr></thead>
<tbody>${notices.unsent.map((n) => html`<tr><td>${n.kind}${n.parts > 1 ? ` ${n.part}/${n.parts}` : ''}</td><td>${n.platform}: ${n.to}</td><td>${n.status}</td><td>${n.reason ?? ''}${n.lastError ? html`<br><span class="muted">${n.lastError}</span>` : ''}</td><td class="num">${n.attempts}</td></tr>`)}</tbody>
</table></div>` : ''}`;
}

function dryRunBody(p: PageContext, preview: DryRun): Html {
  const { a } = p;
  const amount = (minor: bigint, currency: string) => formatMoney({ minor, currency }, p.locale);
  return html`<h1>${a.dryRunTitle(preview.period)}</h1>
<p>${a.dryRunIntro}</p>
${preview.open ? html`<p class="notice">${a.dryRunOpen(p.when(preview.closesAt))}</p>` : ''}
${preview.runStatus ? html`<p class="notice">${a.dryRunAlready(preview.runStatus)}</p>` : ''}
${preview.totals.length === 0 ? html`<p>${a.dryRunNothing}</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${a.currency}</th><th scope="col" class="num">${a.supporters}</th><th scope="col" class="num">${a.flattrs}</th><th scope="col" class="num">${a.charged}</th><th scope="col" class="num">${a.fees}</th><th scope="col" class="num">${a.credited}</th><th scope="col" class="num">${a.escrowed}</th><th scope="col" class="num">${a.charity}</th></tr></thead>
<tbody>${preview.totals.map((t) => html`<tr><td>${t.currency}</td><td class="num">${t.supporters}</td><td class="num">${t.flattrs}</td><td class="num">${amount(t.charged, t.currency)}</td><td class="num">${amount(t.fees, t.currency)}</td><td class="num">${amount(t.credited, t.currency)}</td><td class="num">${amount(t.escrowed, t.currency)}</td><td class="num">${amount(t.charity, t.currency)}</td></tr>`)}</tbody>
</table></div>`}
<p><a href="/admin">${a.back}</a></p>`;
}

/** A run's duration, in the reader's number format: "12.3", "12,3". */
function seconds(p: PageContext, from: Date, to: Date): string {
  return new Intl.NumberFormat(p.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format((to.getTime() - from.getTime()) / 1000);
}

