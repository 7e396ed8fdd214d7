/**
 * Server-rendered HTML from tagged template literals that escape by default:
 * every interpolated value is text unless it is already `Html` (built by this
 * tag), so a name or id from a request can never become markup. Templates are
 * plain TypeScript, so the compiler checks every field a page uses.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/** A sentence with its chat commands (`/flattr join`) set as code, so a reader sees what to type; the rest stays escaped text. */
export function withCommands(text: string): Html {
  return new Html(escapeHtml(text).replace(/\/flattr(?: [a-z]+)?/g, (command) => `<code>${command}</code>`));
}
