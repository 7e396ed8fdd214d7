import { timingSafeEqual } from 'node:crypto';

/**
 * Whether an Authorization header carries the admin token (ADMIN_TOKEN):
 * `Bearer <token>`, or Basic auth with the token as password (any user
 * name), so a browser can open the operator pages with its own login
 * prompt. Compared in constant time.
 */
export function hasAdminToken(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return false;
  const [scheme, value = ''] = (authorization ?? '').split(' ', 2);
  let given = '';
  if (scheme?.toLowerCase() === 'bearer') given = value.trim();
  else if (scheme?.toLowerCase() === 'basic') given = Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
