/**
 * Splits one CSV line (RFC 4180: fields in double quotes may hold commas, and `""` for a
 * quote). Lenient on purpose: a stray quote inside an unquoted field is kept as it is.
 */
export function splitCsvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === QUOTE) {
      let field = '';
      i++;
      for (;;) {
        const close = line.indexOf('"', i);
        if (close < 0) {
          field += line.slice(i);
          i = line.length;
          break;
        }
        field += line.slice(i, close);
        i = close + 1;
        if (line.charCodeAt(i) !== QUOTE) break;
        field += '"';
        i++;
      }
      const comma = line.indexOf(',', i);
      fields.push(field);
      if (comma < 0) return fields;
      i = comma + 1;
    } else {
      const comma = line.indexOf(',', i);
      fields.push(line.slice(i, comma < 0 ? line.length : comma));
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}

const QUOTE = 0x22;
