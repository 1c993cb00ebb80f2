/**
 * Every string of a parsed document, in document order, with its JSON Pointer: values at
 * their own pointer, keys at the pointer of the object that holds them. Iterative, so no
 * nesting depth overflows the stack (unknown properties nest as deep as JSON.parse allows).
 */
export function* documentStrings(document: unknown): Generator<[text: string, pointer: string]> {
  const pending: Array<[unknown, string]> = [[document, '']];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, pointer] = next;
    if (typeof node === 'string') {
      yield [node, pointer];
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const entries = Object.entries(node);
    // Reversed onto the stack, so that they come off in document order.
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, value] = entries[i]!;
      pending.push([value, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`]);
      if (!Array.isArray(node)) pending.push([key, pointer]);
    }
  }
}
