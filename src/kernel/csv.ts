/**
 * CSV for exports that spreadsheets open. A cell starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is a formula to Excel, LibreOffice and Google Sheets (CSV injection): it is
 * prefixed with a single quote so it shows as text, and every cell that needs it is quoted with
 * inner quotes doubled (OWASP, "CSV Injection"; RFC 4180 §2). Shared by every CSV export.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * How a cell is quoted: `needed` only when RFC 4180 asks for it (or the cell was neutralised);
 * `always` every non-null cell, so an empty string (`""`) stays apart from null (an empty
 * unquoted cell), as the audit export documents. Numbers are neutralised only when `always`
 * (a negative number is then `"'-5"`, as that export has always written it).
 */
export type CsvQuoting = 'needed' | 'always';

export function csvCell(
  value: string | number | boolean | null | undefined,
  quoting: CsvQuoting = 'needed',
): string {
  if (value === null || value === undefined) return '';
  if (quoting === 'needed' && typeof value !== 'string') return String(value);
  const raw = String(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return quoting === 'always' || NEEDS_QUOTES.test(text) || text !== raw
    ? `"${text.replaceAll('"', '""')}"`
    : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 §2 has it. */
export function csvRow(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map((cell) => csvCell(cell)).join(',')}\r\n`;
}
