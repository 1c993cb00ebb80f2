/**
 * RFC 4180 CSV: CRLF line ends; a field with a comma, a double quote, CR or LF is quoted,
 * its quotes doubled. Text that a spreadsheet would run as a formula (starting with
 * = + - @, tab or CR) gets a leading apostrophe: provider names come from AS registry
 * data that anyone with an AS can write.
 */
export type CsvValue = string | number | null;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue, { text = false } = {}): string {
  if (value === null) return '';
  let field = String(value);
  if (text && FORMULA_START.test(field)) field = `'${field}`;
  return NEEDS_QUOTES.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** A header row and the records; `textColumns` are the ones guarded against formulas. */
export function toCsv(
  header: readonly string[],
  records: readonly (readonly CsvValue[])[],
  textColumns: ReadonlySet<number> = new Set(),
): string {
  const line = (values: readonly CsvValue[]) =>
    values.map((v, i) => csvField(v, { text: textColumns.has(i) })).join(',');
  return [header, ...records].map(line).join('\r\n') + '\r\n';
}
