/**
 * CSV for exports that spreadsheets open. A cell starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is a formula to Excel, LibreOffice and Google Sheets (CSV injection): it is
 * prefixed with a single quote so it shows as text, and every cell that needs it is quoted with
 * inner quotes doubled (OWASP, "CSV Injection"; RFC 4180 §2). Shared by every CSV export.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) || text !== value ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 §2 has it. */
export function csvRow(cells: readonly (string | number | boolean | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
