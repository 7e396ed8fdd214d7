/**
 * Stripe's request bodies are form-encoded with bracketed keys
 * (`line_items[0][price_data][unit_amount]=2000`, `expand[]=x`): this turns
 * them back into the nested objects and arrays the client started from.
 */
export function parseStripeForm(raw: string | URLSearchParams): Record<string, unknown> {
  const params = typeof raw === 'string' ? new URLSearchParams(raw) : raw;
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      // `a[]` appends: a fresh index after the ones already there.
      const name = part === '' ? String(Object.keys(node).length) : part;
      if (last) node[name] = value;
      else node = (node[name] ??= {}) as Record<string, unknown>;
    });
  }
  return arraysFromIndexes(root) as Record<string, unknown>;
}

function arraysFromIndexes(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, arraysFromIndexes(v)] as const);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  return Object.fromEntries(entries);
}
