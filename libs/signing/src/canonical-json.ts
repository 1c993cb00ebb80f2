// RFC 8785 (JCS) written out here: the `canonicalize` package (v4) is ESM-only with an
// "import"-only export map, so this CommonJS build cannot require it. ECMAScript's own
// JSON.stringify already serialises numbers and strings exactly as JCS asks (§3.2.2), so
// what is left is key order, lone surrogates and non-finite numbers.

/** The RFC 8785 canonical JSON text of a value. Throws TypeError for what JSON cannot hold. */
export function canonicalJson(value: unknown): string {
  const text = serialise(value, new Set());
  if (text === undefined) throw new TypeError('the value has no JSON form');
  return text;
}

function serialise(value: unknown, ancestors: Set<object>): string | undefined {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (hasLoneSurrogate(value)) throw new TypeError('a string holds a lone surrogate');
    return JSON.stringify(value);
  }
  if (typeof value === 'bigint') throw new TypeError('a bigint has no JSON form');
  if (typeof value !== 'object') return undefined; // undefined, function, symbol: skipped
  if (ancestors.has(value)) throw new TypeError('the value is circular');
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return serialise(toJSON.call(value), ancestors);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item) => serialise(item, ancestors) ?? 'null').join(',')}]`;
    }
    const members: string[] = [];
    // Default sort compares UTF-16 code units, which is the order JCS asks for (§3.2.3).
    for (const key of Object.keys(value).sort()) {
      const member = serialise((value as Record<string, unknown>)[key], ancestors);
      if (member !== undefined) members.push(`${serialise(key, ancestors)}:${member}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}
