/**
 * Splits a migration script into statements, because prepared statements (how
 * driver adapters send SQL) take one command at a time. Knows quotes, dollar
 * quoting and comments, which is all hand-written migrations use.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      i = endOf(script, '\n', i + 2);
    } else if (ch === '/' && next === '*') {
      i = endOf(script, '*/', i + 2);
    } else if (ch === "'" || ch === '"') {
      i = endOf(script, ch, i + 1);
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i))?.[0];
      i = tag ? endOf(script, tag, i + tag.length) : i + 1;
    } else if (ch === ';') {
      push(script.slice(start, i));
      start = ++i;
    } else {
      i++;
    }
  }
  push(script.slice(start));
  return statements;

  function push(text: string) {
    const withoutComments = text.replace(/--[^\n]*/g, '').trim();
    if (withoutComments) statements.push(text.trim());
  }
}

function endOf(script: string, closer: string, from: number): number {
  const at = script.indexOf(closer, from);
  return at === -1 ? script.length : at + closer.length;
}
