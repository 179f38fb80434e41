import {
  type AuditEventJson,
  type AuditSearchDeps,
  type AuditSearchInput,
  MAX_PAGE_SIZE,
  searchAuditEvents,
  toAuditEventJson,
} from '../audit/index.ts';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const CSV_COLUMNS: (keyof AuditEventJson)[] = [
  'id',
  'seq',
  'created_at',
  'type',
  'outcome',
  'reason',
  'verification_id',
  'purpose',
  'phone_masked',
  'phone_hmac',
  'client_ip',
  'user_agent',
  'detail',
  'prev_hash',
  'hash',
];

/**
 * Every event a search matches, as text chunks of the format: the audit module's search read one
 * page at a time (memory bounded by a page whatever the size), oldest first, and a last line that
 * tells a complete export from a cut one. The input has been checked by a first page already.
 */
export async function* exportEvents(
  search: AuditSearchDeps,
  appId: string,
  input: AuditSearchInput,
  format: ExportFormat,
): AsyncGenerator<string> {
  const pageAfter = (cursor: string | undefined) =>
    searchAuditEvents(search, appId, {
      ...input,
      order: 'asc',
      limit: String(MAX_PAGE_SIZE),
      cursor,
    });
  // Searched before the header, so that a wrong filter fails the first chunk.
  let page = await pageAfter(undefined);
  let chunk = format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '';
  let rows = 0;
  for (;;) {
    for (const record of page.events) {
      const event = toAuditEventJson(record);
      chunk += format === 'csv' ? csvLine(event) : `${JSON.stringify(event)}\n`;
    }
    rows += page.events.length;
    if (chunk) yield chunk;
    chunk = '';
    if (page.nextCursor === null) break;
    page = await pageAfter(page.nextCursor);
  }
  yield format === 'csv'
    ? `# complete: ${rows} rows\r\n`
    : `${JSON.stringify({ export: 'complete', rows })}\n`;
}

function csvLine(event: AuditEventJson): string {
  return `${CSV_COLUMNS.map((column) => csvCell(event[column])).join(',')}\r\n`;
}

/**
 * One RFC 4180 cell. A cell a spreadsheet would run as a formula (=, +, -, @, tab or CR first)
 * gets a leading apostrophe, as the OWASP CSV Injection page advises.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
