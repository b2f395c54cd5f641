/**
 * @module Is there a Broker at the base URL? Two anonymous calls at once: `GET /health` (the
 * Broker's own health endpoint answers 200) and a Broker operation without a token, which a
 * Broker refuses with 401. Either answer is enough; a host that refuses the connection, times
 * out, or answers neither way (a login page, a 404 from a gateway) is a problem named in one line.
 * The `Date` header of the answers gives the clock skew between this machine and the Broker.
 */

/** Skew beyond this breaks token lifetimes (Maskinporten, the Broker's own checks) and time-based checks. */
export const MAX_CLOCK_SKEW_SECONDS = 30;

export interface ProbeAnswer {
  path: string;
  status: number;
  contentType: string;
  /** Broker's `Date` minus our clock at the middle of the call, in seconds; undefined without a Date header. */
  skewSeconds?: number;
}

export interface BrokerProbe {
  /** One line when the Broker is not reachable or does not answer like a Broker. */
  problem?: string;
  /** The clock skew problem, when the Broker's `Date` is too far from ours. */
  clockProblem?: string;
  answers: ProbeAnswer[];
  /** What was seen, in one line, for the doctor's report. */
  summary: string;
}

/** A fetch failure in words: `connection refused`, `timed out after 5 s`, `host not found` … */
export function networkReason(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? '';
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  if (code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED)';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found (${code})`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `connection reset (${code})`;
  if (/certificate|self[- ]signed|CERT_/i.test(`${code} ${e.cause?.message ?? ''}`)) return `TLS certificate not accepted (${code || e.cause?.message})`;
  return code || e.cause?.message || e.message || String(error);
}

export async function probeBroker(
  baseUrl: string,
  options: { resourceId?: string; timeoutMs?: number; now?: () => number; fetch?: typeof fetch } = {},
): Promise<BrokerProbe> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const base = baseUrl.replace(/\/+$/, '');
  const paths = ['/health', `/broker/api/v1/filetransfer?resourceId=${encodeURIComponent(options.resourceId ?? 'preflight')}`];
  const results = await Promise.allSettled(
    paths.map(async (path): Promise<ProbeAnswer> => {
      const t0 = now();
      const res = await doFetch(`${base}${path}`, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      const t1 = now();
      await res.body?.cancel();
      const date = Date.parse(res.headers.get('date') ?? '');
      // The Date header has whole seconds: compare with our clock at the middle of the call, rounded the same way.
      const skewSeconds = Number.isNaN(date) ? undefined : Math.round((date - Math.floor((t0 + t1) / 2 / 1000) * 1000) / 1000);
      return { path, status: res.status, contentType: (res.headers.get('content-type') ?? '').split(';')[0]!, ...(skewSeconds !== undefined ? { skewSeconds } : {}) };
    }),
  );
  const answers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const describe = (a: ProbeAnswer) => `GET ${a.path.split('?')[0]} → ${a.status}${a.contentType ? ` ${a.contentType}` : ''}`;
  const out: BrokerProbe = { answers, summary: answers.map(describe).join(', ') };
  if (answers.length === 0) {
    out.problem = `the Broker at ${base} is unreachable: ${networkReason((results[0] as PromiseRejectedResult).reason, timeoutMs)}`;
    out.summary = out.problem;
    return out;
  }
  const [health, anonymous] = [answers.find((a) => a.path === paths[0]), answers.find((a) => a.path === paths[1])];
  // A gateway's login or error page answers 200 with HTML; the Broker's health answers 200 without.
  const likeABroker = (health?.status === 200 && health.contentType !== 'text/html') || anonymous?.status === 401;
  if (!likeABroker) {
    out.problem = `${base} answers, but not like a Broker (${answers.map(describe).join(', ')}; expected /health 200 or 401 for a call without a token): is brokerBaseUrl right?`;
  }
  const skews = answers.map((a) => a.skewSeconds).filter((s): s is number => s !== undefined);
  if (skews.length) {
    const skew = skews.reduce((a, b) => (Math.abs(a) <= Math.abs(b) ? a : b));
    out.summary += `; clock ${skew === 0 ? 'in step with' : `${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'}`} the Broker's Date header`;
    if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS) {
      out.clockProblem = `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'behind' : 'ahead of'} the Broker's (its Date header); more than ${MAX_CLOCK_SKEW_SECONDS} s breaks token lifetimes and time checks: synchronise the clock (NTP)`;
    }
  }
  return out;
}
