// Prints COUNT HS256 access tokens, one a line, for subs PREFIX1 … PREFIXCOUNT:
//   node bench/tokens.mjs ROLE PREFIX COUNT [UNIT_ID]
// Signed as the service checks them (iss, aud, exp; JWT_SECRET, JWT_ISSUER, JWT_AUDIENCE
// from the environment). Thousands a second, where `rendicion token` costs a process each.
import { createHmac } from 'node:crypto';

const [role, prefix, count, unit] = process.argv.slice(2);
const secret = process.env.JWT_SECRET;
if (!role || !prefix || !(Number(count) > 0) || !secret) {
  console.error('usage: JWT_SECRET=… node bench/tokens.mjs ROLE PREFIX COUNT [UNIT_ID]');
  process.exit(2);
}
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const head = b64({ alg: 'HS256', typ: 'JWT' });
const now = Math.floor(Date.now() / 1000);
const lines = [];
for (let i = 1; i <= Number(count); i++) {
  const claims = {
    sub: `${prefix}${i}`,
    role,
    iss: process.env.JWT_ISSUER || 'rendicion',
    aud: process.env.JWT_AUDIENCE || 'rendicion-api',
    iat: now,
    exp: now + 3 * 3600,
  };
  if (unit) claims.unit_id = Number(unit);
  const input = `${head}.${b64(claims)}`;
  lines.push(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`);
}
process.stdout.write(lines.join('\n') + '\n');
