/** openapi/openapi.json as written: two-space JSON and a final newline, so diffs stay readable. */
export function serializeOpenApi(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
