import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { reject, type ParseResult } from '../rejection';
import { MAX_XML_DEPTH } from './xml-guard';

/**
 * Reading the parsed XML tree. fast-xml-parser gives plain objects: an element is a
 * string (text only) or an object of children, '@_' attributes, '#text' and '#cdata'.
 * Repeated elements are arrays. The accessors below take `unknown` and never trust the
 * shape, so a duplicated or missing element cannot make the mapper throw.
 */

// Elements that may repeat in the CyberTipline schema: always arrays, so one and many
// read the same way. Accessors still accept either form for everything else.
const REPEATED = new Set([
  'fileDetails',
  'ipCaptureEvent',
  'personOrUserReported',
  'intendedRecipient',
  'internetDetails',
  'webPageIncident',
  'url',
  'originalFileHash',
  'priorCTReports',
  'priorCTReport',
  'email',
  'victim',
  'lawEnforcement',
  'caseNumber',
  'servedLegalProcessInternational',
  'displayName',
  'profileUrl',
  'associatedAccount',
  'deviceId',
  'details',
  'nameValuePair',
]);

const parser = new XMLParser({
  // Entity processing off: DTD entities are refused before parsing anyway, and the five
  // predefined entities and character references are decoded by `decodeReferences`.
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value a string: report ids and hashes must never become numbers.
  parseTagValue: false,
  parseAttributeValue: false,
  // CDATA is kept apart because its content is literal (no references to decode).
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Second line of defence; the guard has already refused deeper documents.
  maxNestedTags: MAX_XML_DEPTH + 1,
  // Never the root: a bare <fileDetails> document must read as one root, not a list.
  isArray: (name, path, _isLeaf, isAttribute) =>
    !isAttribute && REPEATED.has(name) && String(path).includes('.'),
});

/** The root element of a well-formed document: its name and content. */
export interface XmlDocument {
  rootName: string;
  root: unknown;
}

/** Validates and parses XML text (already checked by `findXmlHazard`). Never throws. */
export function readXmlDocument(xml: string): ParseResult<XmlDocument> {
  let parsed: unknown;
  try {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) {
      return reject('invalid_xml', `the message is not well-formed XML (line ${valid.err.line})`);
    }
    parsed = parser.parse(xml);
  } catch {
    // The parser's messages may quote the document: never pass them on.
    return reject('invalid_xml', 'the message cannot be parsed as XML');
  }
  const roots = isElement(parsed) ? Object.keys(parsed).filter(isElementName) : [];
  const rootName = roots[0];
  if (roots.length !== 1 || rootName === undefined || !isElement(parsed)) {
    return reject('invalid_xml', 'the message must have exactly one root element');
  }
  const root = parsed[rootName];
  if (Array.isArray(root)) {
    return reject('invalid_xml', 'the message must have exactly one root element');
  }
  return { ok: true, value: { rootName, root } };
}

type Element = Readonly<Record<string, unknown>>;

function isElement(node: unknown): node is Element {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** Child element names: not attributes, text, CDATA or processing instructions. */
function isElementName(key: string): boolean {
  return !key.startsWith('@_') && !key.startsWith('#') && !key.startsWith('?');
}

/** All child elements called `name`, in document order. */
export function children(node: unknown, name: string): unknown[] {
  // Object.hasOwn: an element called "constructor" must not find Object.prototype's.
  if (!isElement(node) || !Object.hasOwn(node, name)) return [];
  const value = node[name];
  return Array.isArray(value) ? value : [value];
}

/** The first child element called `name`, if any. */
export function child(node: unknown, name: string): unknown {
  return children(node, name)[0];
}

export function has(node: unknown, name: string): boolean {
  return children(node, name).length > 0;
}

/** Names of the child elements, in document order. */
export function childNames(node: unknown): string[] {
  return isElement(node) ? Object.keys(node).filter(isElementName) : [];
}

/** The element's text, references decoded and trimmed; undefined when empty. */
export function text(node: unknown): string | undefined {
  const value = isElement(node)
    ? literal(node['#text'], decodeReferences) + literal(node['#cdata'], (raw) => raw)
    : literal(node, decodeReferences);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Text of the first child element called `name`. */
export function childText(node: unknown, name: string): string | undefined {
  return text(child(node, name));
}

/** An attribute value, references decoded and trimmed; undefined when absent or empty. */
export function attribute(node: unknown, name: string): string | undefined {
  const key = `@_${name}`;
  if (!isElement(node) || !Object.hasOwn(node, key)) return undefined;
  const value = literal(node[key], decodeReferences).trim();
  return value === '' ? undefined : value;
}

function literal(value: unknown, decode: (raw: string) => string): string {
  if (typeof value === 'string') return decode(value);
  if (Array.isArray(value)) return value.map((part) => literal(part, decode)).join('');
  if (isElement(value)) return literal(value['#text'], decode);
  return '';
}

const PREDEFINED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/**
 * Decodes the five predefined entities and character references, in one pass so that
 * "&amp;lt;" stays "&lt;". The guard has refused every other reference already.
 */
function decodeReferences(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(
    /&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));/g,
    (match, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
      if (name !== undefined) return PREDEFINED[name] ?? match;
      const codePoint = decimal !== undefined ? Number(decimal) : parseInt(hex ?? '', 16);
      return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
    },
  );
}
