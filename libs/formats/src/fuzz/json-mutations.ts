import fc from 'fast-check';

/**
 * Structure-aware mutations of a valid JSON document: drop, duplicate, retype or rename a
 * field anywhere in the tree, replace it with a huge or deeply nested value, add
 * prototype-pollution keys, then optionally damage the serialised text (duplicate keys,
 * number literals out of range, truncation, bad bytes, another encoding).
 */

/** Put into mutated documents: a rejection's detail must never repeat it. */
export const SENTINEL = 'zqfuzzsentinel';

export const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  'valueOf',
  '__defineGetter__',
] as const;

type Path = Array<string | number>;

const UNICODE_EDGES = [
  '\u0000',
  '\ud800',
  '\udfff',
  '\ud83d\ude00',
  '\u202e',
  '\u200b',
  '\ufeff',
  '\u2028\u2029',
  'e\u0301',
  'İı',
  'ß',
  '\uffff',
  '\ufffe',
  'Ａ',
  '\x7f',
  '\x1b[31m',
  '\r\n',
  '',
  ' ',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '%00%ff',
  '${jndi:ldap://x}',
];

const SENTINEL_VALUES = [
  SENTINEL,
  `https://${SENTINEL}.example/a`,
  `http://user:${SENTINEL}@x.example/`,
  `javascript:${SENTINEL}`,
  `https://[${SENTINEL}]/`,
  `https://${SENTINEL}.example:99999/`,
  `file:///${SENTINEL}`,
  `${SENTINEL}@example.org`,
];

const EDGE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  0.5,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  4_294_967_295,
];

/** Strings that have broken parsers and databases before, and arbitrary ones. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...UNICODE_EDGES, ...SENTINEL_VALUES),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.constantFrom(...UNICODE_EDGES), fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
);

/** Any value a field could be retyped to. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, [], {}, [[]], { a: {} }, ...EDGE_NUMBERS),
  fc.constantFrom('0', 'null', 'NaN', 'true', '1e999', '2026-13-45T25:61:61Z', '2026-11-20'),
  nastyString,
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Very long strings and long lists (within the size limit the tests give the parser). */
const hugeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 1_000, max: 120_000 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 100, max: 5_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.integer({ min: 100, max: 2_000 }).map((n) => Array.from({ length: n }, () => ({}))),
);

/**
 * Nesting deep enough to hurt a recursive validator, shallow enough for the harness to
 * clone; deeper nesting comes from the text mutation 'nest'.
 */
const deepValue: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 10, max: 600 }), fc.boolean())
  .map(([depth, asObjects]) => {
    let value: unknown = SENTINEL;
    for (let i = 0; i < depth; i++) value = asObjects ? { a: value } : [value];
    return value;
  });

export interface JsonMutation {
  op: 'drop' | 'duplicate' | 'retype' | 'restring' | 'rename' | 'proto' | 'huge' | 'deep';
  at: number;
  value: unknown;
  key: string;
}

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  // A string stays a string, with an edge case in it: the mutation most likely accepted.
  fc.record({
    op: fc.constant('restring'),
    at: fc.nat(),
    value: nastyString,
    key: fc.constant(''),
  }),
  fc.record({
    op: fc.constantFrom('drop', 'duplicate', 'retype', 'rename', 'proto'),
    at: fc.nat(),
    value: nastyValue,
    key: fc.oneof(fc.constantFrom(...PROTO_KEYS), nastyString),
  }),
  fc.record({ op: fc.constant('huge'), at: fc.nat(), value: hugeValue, key: fc.constant('') }),
  fc.record({ op: fc.constant('deep'), at: fc.nat(), value: deepValue, key: fc.constant('') }),
) as fc.Arbitrary<JsonMutation>;

export interface TextMutation {
  op: 'none' | 'dupkey' | 'number' | 'truncate' | 'byte' | 'bom' | 'utf16' | 'pad' | 'nest';
  at: number;
  byte: number;
  key: string;
  literal: string;
}

export const textMutation: fc.Arbitrary<TextMutation> = fc.record({
  op: fc.constantFrom(
    'none',
    'none',
    'dupkey',
    'number',
    'truncate',
    'byte',
    'bom',
    'utf16',
    'pad',
    'nest',
  ),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
  key: fc.constantFrom('schema', 'sourceRef', 'type', 'category', 'url', 'report_id', '__proto__'),
  literal: fc.constantFrom(
    '1e999',
    '-1e999',
    '-0',
    '1E+400',
    '123456789012345678901234567890',
    '0.1e-400',
    '00',
    '+1',
    '.5',
    '0x10',
    'NaN',
    'Infinity',
  ),
}) as fc.Arbitrary<TextMutation>;

/** Applies the tree mutations in order to a copy of `document`. */
export function mutateJson(document: unknown, mutations: JsonMutation[]): unknown {
  let root: unknown = structuredClone(document);
  for (const m of mutations) root = mutateOnce(root, m);
  return root;
}

/** Serialises and applies a text mutation: the bytes a producer might really send. */
export function serialise(document: unknown, m: TextMutation): Buffer {
  let text = JSON.stringify(document) ?? 'null';
  const at = text.length === 0 ? 0 : m.at % text.length;
  switch (m.op) {
    case 'dupkey': {
      const brace = text.indexOf('{', at);
      if (brace >= 0) {
        text = `${text.slice(0, brace + 1)}"${m.key}":${JSON.stringify(m.literal)},${text.slice(brace + 1)}`;
      }
      break;
    }
    case 'number':
      text = text.replace(/-?\d+(\.\d+)?([eE][+-]?\d+)?/, m.literal);
      break;
    case 'truncate':
      text = text.slice(0, at);
      break;
    case 'nest': {
      // A value nested far deeper than any parser's stack: at a random '[' or ':'.
      const depth = 1_000 * (m.byte + 1);
      const colon = text.indexOf(':', at);
      if (colon >= 0) {
        text = `${text.slice(0, colon + 1)}${'['.repeat(depth)}0${']'.repeat(depth)},"x":${text.slice(colon + 1)}`;
      }
      break;
    }
    case 'pad':
      text = `${' \t\n'.repeat(m.byte)}${text}${'\r\n'.repeat(m.byte)}`;
      break;
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    case 'utf16':
      return Buffer.from(text, 'utf16le');
    case 'byte': {
      const bytes = Buffer.from(text);
      if (bytes.length > 0) bytes[at % bytes.length] = m.byte;
      return bytes;
    }
    default:
      break;
  }
  return Buffer.from(text);
}

function mutateOnce(root: unknown, m: JsonMutation): unknown {
  const paths = pathsOf(root);
  const path = paths[m.at % paths.length]!;
  if (path.length === 0) {
    // The root itself: retype it, or leave it for the next mutation.
    return m.op === 'retype' || m.op === 'huge' || m.op === 'deep' ? m.value : root;
  }
  const parent = get(root, path.slice(0, -1)) as Record<string | number, unknown> | unknown[];
  const last = path[path.length - 1]!;
  switch (m.op) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
      break;
    case 'duplicate':
      if (Array.isArray(parent))
        parent.splice(Number(last), 0, structuredClone(parent[Number(last)]));
      else define(parent, `${String(last)}`, structuredClone(parent[last]));
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        const value = parent[last];
        delete parent[last];
        define(parent, m.key, value);
      }
      break;
    case 'proto': {
      const target = Array.isArray(parent) ? undefined : parent;
      if (target)
        define(target, m.key, { polluted: SENTINEL, ...(isObject(m.value) ? m.value : {}) });
      break;
    }
    case 'restring': {
      const current = (parent as Record<string | number, unknown>)[last];
      if (typeof current === 'string') {
        const value = `${current.slice(0, current.length >> 1)}${String(m.value)}${current.slice(current.length >> 1)}`;
        if (Array.isArray(parent)) parent[Number(last)] = value;
        else define(parent, String(last), value);
      }
      break;
    }
    default:
      if (Array.isArray(parent)) parent[Number(last)] = m.value;
      else define(parent, String(last), m.value);
  }
  return root;
}

/** An own, enumerable property, even for "__proto__" (which assignment would not create). */
function define(target: Record<string | number, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every path in the tree, root first (bounded: huge values are not descended into). */
function pathsOf(root: unknown): Path[] {
  const out: Path[] = [];
  const walk = (node: unknown, path: Path, depth: number) => {
    out.push(path);
    if (depth > 12 || out.length > 2_000) return;
    if (Array.isArray(node)) node.slice(0, 20).forEach((v, i) => walk(v, [...path, i], depth + 1));
    else if (isObject(node))
      for (const k of Object.keys(node)) walk(node[k], [...path, k], depth + 1);
  };
  walk(root, [], 0);
  return out;
}

function get(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path) node = (node as Record<string | number, unknown>)[key];
  return node;
}
