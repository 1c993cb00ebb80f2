/**
 * U+0000 and unpaired surrogates: valid UTF-8 cannot carry them, but JSON's \u escapes
 * can, and PostgreSQL refuses both (in text and in jsonb). A message holding one must be
 * refused where it is parsed, with its field named; stored, it would fail the transaction
 * again on every retry and block its partition.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether PostgreSQL can store the text as it is. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}
