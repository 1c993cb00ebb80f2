/**
 * A copy of a JSON Schema in which every object that names its properties allows no
 * others. The schema files stay open so that mappers from other formats can rely on the
 * stripping validator; what a partner sends as canonical JSON is judged by the closed
 * copy, so an unknown property is refused instead of being carried into storage.
 */
export function closedSchema<T>(schema: T): T {
  return close(structuredClone(schema)) as T;
}

function close(node: unknown): unknown {
  if (Array.isArray(node)) {
    node.forEach(close);
    return node;
  }
  if (node === null || typeof node !== 'object') return node;
  const object = node as Record<string, unknown>;
  const names = 'properties' in object || 'patternProperties' in object;
  if (names && !('additionalProperties' in object)) object.additionalProperties = false;
  for (const value of Object.values(object)) close(value);
  return object;
}
