/**
 * Bounded HTTP GET of a JSON document for the network wall meters (Shelly, Tasmota).
 * Every request carries an AbortSignal timeout, so a dead or unreachable meter is a one-line error
 * after at most `timeoutMs`, never a hang.
 */

/** Default per-request bound for network meters, ms. */
export const DEFAULT_METER_TIMEOUT_MS = 3000;

/** Validate a meter base URL (http/https only); throws a one-line Error naming --meter-url. */
export function parseMeterUrl(raw: string | undefined, meter: string): URL {
  if (raw === undefined || raw.trim() === '') throw new Error(`--meter ${meter} needs --meter-url <http://address> (the meter's local address)`);
  let u: URL;
  try {
    u = new URL(/^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    throw new Error(`--meter-url '${raw}': not a URL; use e.g. http://192.0.2.10`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--meter-url '${raw}': only http:// and https:// are supported`);
  return u;
}

/** Join a base URL and a path+query ("/rpc/Switch.GetStatus?id=0"), keeping any base path prefix. */
export function joinUrl(base: URL, pathAndQuery: string): URL {
  const prefix = base.pathname.replace(/\/+$/, '');
  const u = new URL(base.href);
  const [p, q] = pathAndQuery.split('?', 2) as [string, string | undefined];
  u.pathname = `${prefix}${p}`;
  u.search = q ? `?${q}` : '';
  u.username = '';
  u.password = '';
  return u;
}

/** GET a JSON document within `timeoutMs`; throws a one-line Error naming the meter and the cause. */
export async function getJson(url: URL, timeoutMs: number, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new Error(`${what} at ${url.origin} did not answer within ${timeoutMs} ms`);
    const cause = e.cause?.code ?? e.cause?.message ?? e.message;
    throw new Error(`${what} at ${url.origin} is unreachable (${cause})`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new Error(`${what} at ${url.origin}: reading the reply failed (${(err as Error).message})`);
  }
  if (!res.ok) throw new Error(`${what} at ${url.origin}: HTTP ${res.status} for ${url.pathname}${url.search}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what} at ${url.origin}: reply is not JSON ('${text.slice(0, 60).replace(/\s+/g, ' ')}')`);
  }
}
