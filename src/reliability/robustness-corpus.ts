/**
 * @module The robustness corpus: the hostile corpus plus the classes that once made a real Broker
 * answer 5xx, hang or accept invalid input (NUL in strings, null elements, an over-long reference,
 * many recipients, TUS header abuse, malware-webhook garbage, org numbers in other scripts, combined
 * enum flags), with a seeded, bounded sample of it for a run. The same seed gives the same sample.
 */
import { API, hostileCorpus, validInitialize, type CorpusContext, type HostileCase } from './hostile-corpus.ts';

export interface RobustnessOptions {
  /** TUS cases (the environment offers TUS). */
  tus: boolean;
  /** Garbage to the anonymous malware-scan webhook (the environment allows posting to it). */
  malwareWebhook: boolean;
  /** Recipients in the many-recipients case (bounded; the real Broker inserts them one by one). */
  manyRecipients: number;
}

const json = { 'content-type': 'application/json' };
const TUS = { 'tus-resumable': '1.0.0' };
const WEBHOOK_EVENT_ID = '3f0e8c52-6a43-4c1e-9d1f-7b2a5e0c9d11';

function initialize(ctx: CorpusContext, name: string, category: string, body: Record<string, unknown> | string, extra: Partial<HostileCase> = {}): HostileCase {
  const text = typeof body === 'string' ? body : JSON.stringify({ ...validInitialize(ctx), ...body });
  return { name, category, method: 'POST', path: `${API}/filetransfer`, headers: json, body: text, as: 'sender', sentinel: true, ...extra };
}

function multipart(ctx: CorpusContext, name: string, fields: [string, string][], category: string, extra: Partial<HostileCase> = {}): HostileCase {
  const boundary = 'robustBoundary';
  const part = ([k, v]: [string, string]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  const base: Record<string, string> = {
    'Metadata.FileName': 'a.txt',
    'Metadata.ResourceId': ctx.resourceId,
    'Metadata.SendersFileTransferReference': ctx.marker ?? 'r',
    'Metadata.Sender': ctx.sender,
    'Metadata.Recipients': ctx.recipient,
  };
  const overridden = new Set(fields.map(([k]) => k));
  const all = [...Object.entries(base).filter(([k]) => !overridden.has(k)), ...fields];
  const file = `--${boundary}\r\nContent-Disposition: form-data; name="FileTransfer"; filename="f.txt"\r\nContent-Type: application/octet-stream\r\n\r\nDATA\r\n--${boundary}--\r\n`;
  return { name, category, method: 'POST', path: `${API}/filetransfer/upload`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: all.map(part).join('') + file, as: 'sender', sentinel: true, ...extra };
}

/** NUL reaching the database: every initialize string, a property key and value, multipart and search. */
function nulInStrings(ctx: CorpusContext): HostileCase[] {
  const nul = 'a\u0000b';
  return [
    ...['fileName', 'resourceId', 'sendersFileTransferReference', 'sender', 'checksum'].map((f) => initialize(ctx, `initialize ${f} with NUL`, 'nul-in-strings', { [f]: nul })),
    initialize(ctx, 'initialize property key with NUL', 'nul-in-strings', { propertyList: { [nul]: 'v' } }),
    initialize(ctx, 'initialize property value with NUL', 'nul-in-strings', { propertyList: { k: nul } }),
    multipart(ctx, 'multipart Metadata.FileName with NUL', [['Metadata.FileName', nul]], 'nul-in-strings'),
    { name: 'search resourceId with NUL', category: 'nul-in-strings', method: 'GET', path: `${API}/filetransfer?resourceId=${encodeURIComponent(nul)}`, headers: {}, as: 'sender', sentinel: true },
  ];
}

/** Null elements and keys the binder cannot make sense of: must be refused, never a null reference. */
function nullElements(ctx: CorpusContext): HostileCase[] {
  return [
    initialize(ctx, 'initialize recipients [null]', 'null-elements', { recipients: [null] }, { mustRefuse: true }),
    initialize(ctx, 'initialize recipients [valid, null]', 'null-elements', { recipients: [ctx.recipient, null] }, { mustRefuse: true }),
    initialize(ctx, 'initialize propertyList value null', 'null-elements', { propertyList: { k: null } }, { mustRefuse: true }),
    multipart(ctx, 'multipart empty Metadata.Recipients', [['Metadata.Recipients', '']], 'null-elements', { mustRefuse: true }),
    multipart(ctx, 'multipart property key []', [['Metadata.PropertyList[]', 'x']], 'null-elements'),
    multipart(ctx, 'multipart property key [a][b]', [['Metadata.PropertyList[a][b]', 'x']], 'null-elements'),
  ];
}

function oversizeReference(ctx: CorpusContext): HostileCase[] {
  return [501, 4096].map((n) => initialize(ctx, `initialize sendersFileTransferReference of ${n} chars`, 'oversize-reference', { sendersFileTransferReference: `${ctx.marker ?? ''}${'r'.repeat(n)}`.slice(0, n) }, { mustRefuse: true }));
}

/** Distinct valid org numbers (mod-11 control digit), so the Broker stores each one. */
export function orgNumbers(count: number): string[] {
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  const out: string[] = [];
  for (let n = 10_000_000; out.length < count; n++) {
    const digits = String(n).padStart(8, '0');
    const sum = [...digits].reduce((s, d, i) => s + Number(d) * weights[i]!, 0);
    const control = 11 - (sum % 11);
    if (control === 10) continue;
    out.push(`0192:${digits}${control === 11 ? 0 : control}`);
  }
  return out;
}

function manyRecipients(ctx: CorpusContext, count: number): HostileCase[] {
  return count > 0 ? [initialize(ctx, `initialize with ${count} recipients`, 'many-recipients', { recipients: [ctx.recipient, ...orgNumbers(count - 1)] })] : [];
}

/** Digits of other scripts match .NET's `\d`; an org number is ASCII digits only. */
function foreignDigits(ctx: CorpusContext): HostileCase[] {
  const bare = ctx.recipient.replace(/^0192:/, '');
  const script = (zero: number) => [...bare].map((d) => String.fromCodePoint(zero + Number(d))).join('');
  return [
    initialize(ctx, 'initialize recipient in fullwidth digits', 'foreign-digits', { recipients: [`0192:${script(0xff10)}`] }, { mustRefuse: true }),
    initialize(ctx, 'initialize recipient in Arabic-Indic digits', 'foreign-digits', { recipients: [`0192:${script(0x0660)}`] }, { mustRefuse: true }),
    initialize(ctx, 'initialize recipient with a fullwidth scheme', 'foreign-digits', { recipients: [`${'０１９２'}:${bare}`] }, { mustRefuse: true }),
  ];
}

/** Enum query parameters bound as combined flags by a lenient binder. */
function combinedFlags(ctx: CorpusContext): HostileCase[] {
  return ['status=Published,Failed', 'role=Sender,Recipient', 'recipientStatus=Initialized,DownloadConfirmed'].map((q) => ({
    name: `search ${q}`,
    category: 'combined-flags',
    method: 'GET',
    path: `${API}/filetransfer?resourceId=${ctx.resourceId}&${q}`,
    headers: {},
    as: 'sender' as const,
    sentinel: true,
    mustRefuse: true,
  }));
}

function tusAbuse(): HostileCase[] {
  const base = `${API}/filetransfer/upload/tus/{own}`;
  const partials = ['0123456789abcdef0123456789abcdef', 'not-hex', '..', '%2e%2e%2f%2e%2e', 'a'.repeat(300)];
  const cases: HostileCase[] = [];
  for (const p of partials) {
    cases.push({ name: `TUS HEAD on unknown partial ${p.slice(0, 20)}`, category: 'tus-abuse', method: 'HEAD', path: `${base}/partial/${p}`, headers: TUS, as: 'sender', sentinel: true });
    cases.push({
      name: `TUS PATCH on unknown partial ${p.slice(0, 20)}`,
      category: 'tus-abuse',
      method: 'PATCH',
      path: `${base}/partial/${p}`,
      headers: { ...TUS, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' },
      body: 'x',
      as: 'sender',
      sentinel: true,
    });
  }
  cases.push({ name: 'TUS HEAD on the main URL without an upload', category: 'tus-abuse', method: 'HEAD', path: base, headers: TUS, as: 'sender', sentinel: true });
  const create = (name: string, headers: Record<string, string>) => ({ name, category: 'tus-abuse', method: 'POST', path: base, headers: { ...TUS, ...headers }, as: 'sender' as const });
  for (const length of ['-1', 'abc', '18446744073709551616', '1e3', ' 5', '']) cases.push(create(`TUS create Upload-Length: ${JSON.stringify(length)}`, { 'upload-length': length }));
  cases.push(create('TUS create with Upload-Defer-Length and Upload-Length', { 'upload-length': '5', 'upload-defer-length': '1' }));
  cases.push(create('TUS create with garbage Upload-Metadata', { 'upload-length': '5', 'upload-metadata': 'a b c,,=,%%%' }));
  cases.push(create('TUS create with garbage Upload-Concat', { 'upload-length': '5', 'upload-concat': 'final;/x /y' }));
  cases.push(create('TUS create with Tus-Resumable 0.2.0', { 'upload-length': '5', 'tus-resumable': '0.2.0' }));
  for (const method of ['GET', 'PUT', 'TRACE']) cases.push({ name: `TUS ${method} on the main URL`, category: 'tus-abuse', method, path: base, headers: TUS, as: 'sender' });
  return cases;
}

function webhookGarbage(): HostileCase[] {
  const bodies: [string, string][] = [
    ['empty body', ''],
    ['malformed JSON', '{"id":'],
    ['nested 65 deep', `${'['.repeat(65)}${']'.repeat(65)}`],
    ['{}', '{}'],
    ['no data', JSON.stringify([{ id: WEBHOOK_EVENT_ID, eventType: 'Microsoft.Security.MalwareScanningResult' }])],
    ['null data', JSON.stringify([{ id: WEBHOOK_EVENT_ID, eventType: 'Microsoft.Security.MalwareScanningResult', data: null }])],
    ['unknown event type', JSON.stringify([{ id: WEBHOOK_EVENT_ID, eventType: 'Bogus.Event', data: {} }])],
    ['correlationId not a GUID', JSON.stringify([{ id: WEBHOOK_EVENT_ID, eventType: 'Microsoft.Security.MalwareScanningResult', data: { correlationId: 'nope', scanFinishedTimeUtc: new Date().toISOString(), scanResultType: 'No threats found', blobUri: 'https://x/y/z' } }])],
    ['an object, not an array', JSON.stringify({ eventType: 'Microsoft.Security.MalwareScanningResult' })],
    ['a string', '"x"'],
  ];
  return bodies.map(([name, body]) => ({ name: `malware webhook: ${name}`, category: 'webhook-garbage', method: 'POST', path: `${API}/webhooks/malwarescanresults`, headers: json, body, as: 'none' as const, sentinel: true }));
}

/** Categories of the robustness suite's multi-step and raw cases (not corpus entries), named in its verdicts like corpus categories. */
export const SEQUENCE_CATEGORIES = { chunkedGarbage: 'chunked-garbage', tusAbuse: 'tus-abuse' } as const;

const hasNul = (c: HostileCase) => {
  const body = c.body === undefined ? '' : Buffer.isBuffer(c.body) ? c.body.toString('latin1') : c.body;
  return body.includes('\u0000') || body.includes('\\u0000') || /%00/.test(c.path);
};

/**
 * A generic hostile case that belongs to one of the defect classes is counted there, so every verdict that
 * names a class (and a known defect matching it) covers all of its cases: a NUL anywhere, a reference over
 * the 500-character column, a null recipient or property value.
 */
function classify(c: HostileCase): HostileCase {
  if (hasNul(c)) return { ...c, category: 'nul-in-strings' };
  const reference = /sendersFileTransferReference of (\d+) chars/.exec(c.name);
  if (reference && Number(reference[1]) > 500) return { ...c, category: 'oversize-reference' };
  if (/^(propertyList with a null value|recipients with a null element|multipart Metadata\.Recipients = "")$/.test(c.name)) return { ...c, category: 'null-elements' };
  return c;
}

export function robustnessCorpus(ctx: CorpusContext, o: RobustnessOptions): HostileCase[] {
  return [
    // Raw socket cases bypass the client road (no ledger, no gateway on shared environments): left to the self-test.
    ...hostileCorpus(ctx).filter((c) => !c.raw).map(classify),
    ...nulInStrings(ctx),
    ...nullElements(ctx),
    ...oversizeReference(ctx),
    ...manyRecipients(ctx, o.manyRecipients),
    ...foreignDigits(ctx),
    ...combinedFlags(ctx),
    ...(o.tus ? tusAbuse() : []),
    ...(o.malwareWebhook ? webhookGarbage() : []),
  ];
}

/** mulberry32: a small, fast, seedable generator; enough to pick a reproducible sample. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Every sentinel case, then `count` further cases picked category by category in turn (each category
 * shuffled by the seed), so a small sample still touches every class. Order is the seed's.
 */
export function sampleCorpus(cases: HostileCase[], seed: number, count: number): HostileCase[] {
  const random = seededRandom(seed);
  const shuffle = <T>(xs: T[]): T[] => {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  };
  const sentinels = cases.filter((c) => c.sentinel);
  const byCategory = new Map<string, HostileCase[]>();
  for (const c of cases) if (!c.sentinel) byCategory.set(c.category, [...(byCategory.get(c.category) ?? []), c]);
  const queues = [...byCategory.keys()].sort().map((k) => shuffle(byCategory.get(k)!));
  const picked: HostileCase[] = [];
  while (picked.length < count && queues.some((q) => q.length > 0)) {
    for (const q of queues) if (picked.length < count && q.length > 0) picked.push(q.shift()!);
  }
  return shuffle([...sentinels, ...picked]);
}

/** The operation a case exercises, for grouping verdicts and the fuzz summary. */
export function operationOf(c: HostileCase): string {
  const path = c.path.split('?')[0]!.replace(/^\/broker\/api\/v1/, '');
  const m = c.method.toUpperCase();
  if (path.startsWith('/filetransfer/upload/tus/')) return `tus ${m}`;
  if (path === '/filetransfer/upload' && m === 'POST') return 'initialize-and-upload';
  if (path === '/filetransfer' && m === 'POST') return 'initialize';
  if (path === '/filetransfer' && m === 'GET') return 'search';
  if (/^\/filetransfer\/[^/]+\/upload$/.test(path) && m === 'POST') return 'upload';
  if (/^\/filetransfer\/[^/]+\/details$/.test(path) && m === 'GET') return 'details';
  if (/^\/filetransfer\/[^/]+\/download$/.test(path) && m === 'GET') return 'download';
  if (/^\/filetransfer\/[^/]+\/confirmdownload$/.test(path) && m === 'POST') return 'confirm';
  if (/^\/filetransfer\/[^/]+$/.test(path) && m === 'GET') return 'overview';
  if (path.startsWith('/webhooks/')) return 'malware-webhook';
  if (path.startsWith('/serviceowner')) return `serviceowner ${m}`;
  if (path.startsWith('/resource/')) return `resource ${m}`;
  return 'other routes';
}

/** A request that would create a transfer if accepted. */
export function createsTransfer(c: HostileCase): boolean {
  const op = operationOf(c);
  return op === 'initialize' || op === 'initialize-and-upload';
}
