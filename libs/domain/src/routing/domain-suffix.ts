/**
 * Domain-suffix matching for overrides, origin disclosures and police holds: "example.com"
 * matches example.com and every name under it (cdn.example.com), never "badexample.com".
 * Hosts and suffixes are compared in lower case without a trailing dot.
 */
export function normaliseSuffix(value: string): string {
  return value.trim().toLowerCase().replace(/^\.+/, '').replace(/\.+$/, '');
}

export function matchesSuffix(host: string, suffix: string): boolean {
  const h = normaliseSuffix(host);
  const s = normaliseSuffix(suffix);
  return s !== '' && (h === s || h.endsWith(`.${s}`));
}

/** The entry with the longest suffix matching host (the most specific wins), if any. */
export function longestSuffixMatch<T>(
  host: string,
  entries: readonly T[],
  suffixOf: (entry: T) => string,
): T | undefined {
  let best: T | undefined;
  let bestLength = -1;
  for (const entry of entries) {
    const suffix = normaliseSuffix(suffixOf(entry));
    if (suffix.length > bestLength && matchesSuffix(host, suffix)) {
      best = entry;
      bestLength = suffix.length;
    }
  }
  return best;
}
