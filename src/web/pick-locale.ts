export type WebLocale = 'en' | 'fr';

/**
 * The page language: the browser's first preference the hub speaks
 * (Accept-Language, by q-value), then the user's stored locale, then English.
 */
export function pickLocale(acceptLanguage: string | undefined, userLocale?: string | null): WebLocale {
  const ranked = (acceptLanguage ?? '').split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { lang: tag.trim().toLowerCase().split('-')[0]!, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.lang && r.q > 0 && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const spoken = ranked.find((r) => r.lang === 'en' || r.lang === 'fr')?.lang;
  if (spoken === 'en' || spoken === 'fr') return spoken;
  return userLocale === 'fr' ? 'fr' : 'en';
}
