/**
 * @module E15/E16, the hidden API-key statistics endpoints: the `X-API-Key` filter with its per-IP sliding-hour limit,
 * and the daily summary report (one row per day, service owner, sender, resource and recipient, as Parquet).
 * Facts from Altinn/altinn-broker@161ba122: src/Altinn.Broker.API/Controllers/StatisticsController.cs,
 * src/Altinn.Broker.API/Filters/StatisticsApiKeyFilter.cs,
 * src/Altinn.Broker.Application/GenerateReport/GenerateDailySummaryReportHandler.cs, ParquetDailySummaryData.cs and
 * src/Altinn.Broker.Persistence/Repositories/FileTransferRepository.cs (GetAggregatedDailySummaryData).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { caseInsensitive, conversionError, readJsonBody } from '../body.ts';
import type { Broker } from '../broker.ts';
import { Errors, fail, invalid } from '../errors.ts';
import { writeParquet, type ParquetColumn } from '../parquet.ts';
import { bareOrg } from '../seed.ts';
import { sendJson, type RequestContext } from '../server.ts';
import { contentDisposition } from './download.ts';

const WINDOW_MS = 60 * 60 * 1000;

/** Per-IP request times of the sliding hour (the Broker keeps them in its distributed cache). */
const requestLog = new WeakMap<Broker, Map<string, number[]>>();

function clientIp(rc: RequestContext): string {
  const forwarded = rc.req.headers['x-forwarded-for'];
  if (forwarded !== undefined) return String(forwarded).split(',')[0]!.trim();
  const real = rc.req.headers['x-real-ip'];
  if (real !== undefined) return String(real);
  return rc.req.socket.remoteAddress ?? 'unknown';
}

const unixSeconds = (ms: number) => Math.floor(ms / 1000);
/** DateTimeOffset as System.Text.Json writes it: 7 fractional digits, `+00:00`. */
const dotnetTimestamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}0000+00:00`;

/** The API-key filter; returns false when it has answered (401 or 429). */
function passesApiKeyFilter(rc: RequestContext): boolean {
  const { b } = rc;
  const refuse = (error: string) => (sendJson(rc, 401, { error }), false);
  const header = rc.req.headers['x-api-key'];
  if (header === undefined) return refuse('API key required for statistics endpoints');
  const provided = Array.isArray(header) ? header[0]! : header;
  if (provided.trim() === '') return refuse('API key cannot be empty');
  const configured = b.settings.statisticsApiKey;
  if (!configured || configured.trim() === '') return refuse('API key validation not configured');
  const a = Buffer.from(provided);
  const c = Buffer.from(configured);
  if (a.length !== c.length || !timingSafeEqual(a, c)) return refuse('Invalid API key');

  const limit = b.env.statisticsCallsPerHour;
  const now = b.now().getTime();
  const log = requestLog.get(b) ?? new Map<string, number[]>();
  requestLog.set(b, log);
  const ip = clientIp(rc);
  const recent = (log.get(ip) ?? []).filter((t) => t > now - WINDOW_MS);
  if (recent.length >= limit) {
    const reset = Math.min(...recent) + WINDOW_MS;
    const retryAfter = Math.trunc((reset - now) / 1000);
    rc.res.setHeader('x-ratelimit-limit', String(limit));
    rc.res.setHeader('x-ratelimit-remaining', '0');
    rc.res.setHeader('x-ratelimit-reset', String(unixSeconds(reset)));
    rc.res.setHeader('retry-after', String(retryAfter));
    sendJson(rc, 429, { error: 'Rate limit exceeded', retryAfter, resetTime: dotnetTimestamp(reset) });
    log.set(ip, recent);
    return false;
  }
  recent.push(now);
  log.set(ip, recent);
  rc.res.setHeader('x-ratelimit-limit', String(limit));
  rc.res.setHeader('x-ratelimit-remaining', String(limit - recent.length));
  rc.res.setHeader('x-ratelimit-reset', String(unixSeconds(Math.min(...recent) + WINDOW_MS)));
  return true;
}

/** Binds `{"altinn2Included": bool}` (kept for compatibility; the report never includes Altinn 2). */
async function bindRequest(rc: RequestContext): Promise<void> {
  const value = await readJsonBody(rc, 'request');
  if (value === null) return; // `request ??= new(...)`
  const body = caseInsensitive(value);
  if (!body) invalid({ $: [conversionError('', 'Altinn.Broker.Application.GenerateReport.GenerateDailySummaryReportRequest').replace('Path: $.', 'Path: $')], request: ['The request field is required.'] });
  const flag = body.get('altinn2included');
  if (flag !== undefined && typeof flag !== 'boolean') invalid({ '$.altinn2Included': [conversionError('altinn2Included', 'System.Boolean')], request: ['The request field is required.'] });
}

interface Report {
  fileName: string;
  file: Buffer;
  hash: string;
  serviceOwnerCount: number;
  totalFileTransferCount: number;
  generatedAt: number;
}

/** Aggregates every transfer by creation day, service owner, sender, resource and recipient (latest status of each). */
function buildReport(b: Broker): Report {
  interface Row {
    date: string;
    serviceOwner: string;
    sender: string;
    resourceId: string;
    recipient: string;
    recipientType: number;
    count: number;
    bytes: number;
  }
  const rows = new Map<string, Row>();
  for (const t of b.store.transfers.values()) {
    const date = t.created.slice(0, 10);
    const serviceOwner = b.resource(t.resourceId)?.serviceOwner ?? 'unknown';
    const sender = t.sender.split(':').at(-1) ?? 'unknown';
    const recipients = [...new Set(t.actorHistory.map((a) => a.actor))];
    for (const recipient of recipients.length ? recipients : ['unknown']) {
      const bare = recipient.split(':').at(-1) ?? recipient;
      const recipientType = recipient === 'unknown' ? 2 : /^\d{9}$/.test(bare) ? 1 : /^\d{11}$/.test(bare) ? 0 : 2;
      const key = JSON.stringify([date, serviceOwner, sender, t.resourceId, recipient, recipientType]);
      const row = rows.get(key) ?? { date, serviceOwner, sender, resourceId: t.resourceId, recipient, recipientType, count: 0, bytes: 0 };
      row.count++;
      row.bytes += t.size;
      rows.set(key, row);
    }
  }
  if (rows.size === 0) fail(Errors.NoFileTransfersFound);
  const sorted = [...rows.values()].sort(
    (x, y) =>
      x.date.localeCompare(y.date) || x.serviceOwner.localeCompare(y.serviceOwner) || x.sender.localeCompare(y.sender) || x.resourceId.localeCompare(y.resourceId) || x.recipientType - y.recipientType,
  );
  const ownerName = (id: string) => (id === 'unknown' ? 'Unknown' : (b.serviceOwner(id)?.name ?? `Unknown (${id})`));
  const resourceTitle = (id: string) => {
    const owner = b.registryResource(id)?.ownerOrgNumber;
    const name = owner ? b.serviceOwner(bareOrg(owner))?.name : undefined;
    return name ?? `Unknown (${id})`;
  };
  const str = (name: string, values: string[]): ParquetColumn => ({ name, type: 'string', values });
  const i32 = (name: string, values: number[]): ParquetColumn => ({ name, type: 'int32', values });
  const i64 = (name: string, values: number[]): ParquetColumn => ({ name, type: 'int64', values });
  const file = writeParquet(
    [
      str('date', sorted.map((r) => r.date)),
      i32('year', sorted.map((r) => Number(r.date.slice(0, 4)))),
      i32('month', sorted.map((r) => Number(r.date.slice(5, 7)))),
      i32('day', sorted.map((r) => Number(r.date.slice(8, 10)))),
      str('service_owner_id_pk', sorted.map((r) => r.serviceOwner)),
      str('service_owner_name', sorted.map((r) => ownerName(r.serviceOwner))),
      str('file_sender_id', sorted.map((r) => r.sender)),
      str('resource_id', sorted.map((r) => r.resourceId)),
      str('altinn_resource_service', sorted.map((r) => resourceTitle(r.resourceId))),
      str('recipient_type', sorted.map((r) => ['Person', 'Organization', 'Unknown'][r.recipientType]!)),
      str('altinn_version', sorted.map(() => 'Altinn3')),
      i32('filetransfercount', sorted.map((r) => r.count)),
      i64('databasestoragebytes', sorted.map(() => 0)),
      i64('filestoragebytes', sorted.map((r) => r.bytes)),
    ],
    'broker-conformance local Broker',
  );
  const generatedAt = b.now().getTime();
  const stamp = new Date(generatedAt).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
  return {
    fileName: `${stamp}_daily_summary_report_A3_${b.env.name}.parquet`,
    file,
    hash: createHash('md5').update(file).digest('base64'),
    serviceOwnerCount: new Set(sorted.map((r) => r.serviceOwner)).size,
    totalFileTransferCount: sorted.reduce((sum, r) => sum + r.count, 0),
    generatedAt,
  };
}

/** E15 `POST /broker/api/v1/statistics/generate-daily-summary`: the report is stored (in dataDir/reports) and described. */
export async function generateDailySummaryHandler(rc: RequestContext): Promise<void> {
  if (!passesApiKeyFilter(rc)) return;
  await bindRequest(rc);
  const report = buildReport(rc.b);
  const dir = join(rc.b.store.dataDir, 'reports');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, report.fileName);
  writeFileSync(path, report.file);
  sendJson(rc, 200, {
    filePath: pathToFileURL(path).href,
    fileHash: report.hash,
    fileSizeBytes: report.file.length,
    serviceOwnerCount: report.serviceOwnerCount,
    totalFileTransferCount: report.totalFileTransferCount,
    generatedAt: dotnetTimestamp(report.generatedAt),
    environment: rc.b.env.name,
    altinn2Included: false,
  });
}

/** E16 `POST /broker/api/v1/statistics/generate-and-download-daily-summary`: the Parquet file itself, with its facts in headers. */
export async function downloadDailySummaryHandler(rc: RequestContext): Promise<void> {
  if (!passesApiKeyFilter(rc)) return;
  await bindRequest(rc);
  const report = buildReport(rc.b);
  rc.res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-disposition': contentDisposition(report.fileName),
    'content-length': report.file.length,
    'x-file-hash': report.hash,
    'x-file-size': String(report.file.length),
    'x-service-owner-count': String(report.serviceOwnerCount),
    'x-total-filetransfer-count': String(report.totalFileTransferCount),
    'x-generated-at': dotnetTimestamp(report.generatedAt),
    'x-environment': rc.b.env.name,
    'x-altinn2-included': 'False',
  });
  rc.res.end(report.file);
}
