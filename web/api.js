// Talking to the service's API (same origin, /api/v1) and keeping the session.
//
// The token is kept in sessionStorage: it lives as long as the tab, is not sent by the
// browser on its own (no cookie, so no cross-site request can use it), and is gone when
// the tab closes. What protects it from being read is the page's Content-Security-Policy
// (only this site's own scripts run, none inline) and the rule that every text from the
// API is written with textContent, never as HTML (portal.js).

const KEY = 'rendicion.token';

/** An answer of the API that is not a success: status, Spanish detail, the problem. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail || `La solicitud falló (HTTP ${status}).`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter; // seconds, or null
  }
}

export const session = {
  get token() {
    return sessionStorage.getItem(KEY);
  },
  /** The token's claims (not verified here: the service verifies every use). */
  get claims() {
    const t = this.token;
    if (!t) return null;
    try {
      const part = t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const bytes = Uint8Array.from(atob(part), (ch) => ch.charCodeAt(0));
      const claims = JSON.parse(new TextDecoder().decode(bytes));
      if (claims.exp && claims.exp * 1000 < Date.now()) return null;
      return claims;
    } catch {
      return null;
    }
  },
  save(token) {
    sessionStorage.setItem(KEY, token);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

/**
 * One call: method, path under /api/v1, an optional JSON body. Sends the token when there
 * is one (auth: false to send none). Resolves to the parsed JSON (null for 204); rejects
 * with ApiError carrying the problem document's Spanish detail.
 */
export async function call(method, path, { body, auth = true, headers = {} } = {}) {
  const h = { Accept: 'application/json', 'Accept-Language': 'es', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (auth && session.token) h.Authorization = `Bearer ${session.token}`;
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-cache',
    });
  } catch {
    throw new ApiError(0, { detail: 'No hay conexión con el servicio. Revisa tu conexión e inténtalo de nuevo.' }, null);
  }
  if (res.status === 204) return null;
  const type = res.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await res.json().catch(() => null) : null;
  if (res.ok) return data;
  const ra = Number.parseInt(res.headers.get('Retry-After') ?? '', 10);
  throw new ApiError(res.status, data, Number.isFinite(ra) ? ra : null);
}

/** Every item of a paged list (follows next_cursor; limit 200 a page). */
export async function all(path, opts) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await call('GET', `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, opts);
    items.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return items;
}

/** The sentence that tells a person what went wrong and, for 429, when to try again. */
export function explain(err) {
  if (!(err instanceof ApiError)) return 'Algo falló en esta página. Recárgala e inténtalo de nuevo.';
  let text = err.message;
  if (err.status === 429 || err.status === 503) {
    const s = err.retryAfter ?? 60;
    const at = new Date(Date.now() + s * 1000).toLocaleTimeString('es-EC', { hour: '2-digit', minute: '2-digit' });
    const wait = s < 90 ? `${s} segundos` : `${Math.ceil(s / 60)} minutos`;
    text += ` Podrás intentarlo de nuevo en ${wait} (a las ${at}).`;
  }
  return text;
}
