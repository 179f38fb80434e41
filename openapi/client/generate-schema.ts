import openapiTS, { astToString } from 'openapi-typescript';

/** Where the generated types live, next to the client that uses them. */
export const SCHEMA_FILE = new URL('./src/schema.d.ts', import.meta.url);

const HEADER =
  '// Generated from openapi/openapi.json by openapi-typescript: run `npm run openapi`, do not edit.\n\n';

/**
 * The TypeScript types of every operation, from the OpenAPI document as an object (no file read,
 * no network), so the drift test and `npm run openapi` produce the same bytes.
 */
export async function generateClientSchema(document: unknown): Promise<string> {
  // openapi-typescript takes a JSON string as the document itself, not as a path or URL. A field
  // with a default stays optional: Tessera fills it in, so a request may leave it out.
  const ast = await openapiTS(JSON.stringify(document), {
    alphabetize: true,
    defaultNonNullable: false,
  });
  return HEADER + astToString(ast);
}
