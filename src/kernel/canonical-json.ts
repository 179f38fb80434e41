/**
 * JSON with every object's keys sorted (by UTF-16 code units, as RFC 8785 does), so key order
 * never changes a fingerprint or a hash; otherwise exactly what JSON.stringify writes.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? 'null';
}

/** Undefined where JSON.stringify has no output (undefined, functions, symbols). */
function canonical(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) as string | undefined;
  }
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return canonical(withJson.toJSON());
  if (Array.isArray(value)) {
    // JSON.stringify writes null for holes and for items it cannot write; do the same.
    return `[${Array.from(value, (item) => canonical(item) ?? 'null').join(',')}]`;
  }
  const fields: string[] = [];
  for (const name of Object.keys(value).sort()) {
    const field = canonical((value as Record<string, unknown>)[name]);
    // Members JSON.stringify cannot write are left out, as it does.
    if (field !== undefined) fields.push(`${JSON.stringify(name)}:${field}`);
  }
  return `{${fields.join(',')}}`;
}
