import { reject, type ParseResult } from '../rejection';

/** Deeper than this is not a referral but an attack on the parser's recursion. */
export const MAX_XML_DEPTH = 32;

/**
 * Elements, attributes, comments and processing instructions in one document. The
 * parser spends microseconds on each, so millions of empty elements (a few MB) would
 * stall a consumer for seconds. The largest referral the canonical schema allows
 * (1000 files and locators, 100 persons) fits well within this.
 */
export const MAX_XML_NODES = 50_000;

// XML 1.0 production [2] Char. Anything else (NUL above all) is not XML and must never
// reach storage: PostgreSQL refuses NUL in text and jsonb.
const ILLEGAL_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const NOT_WHITESPACE = /[^ \t\r\n]/;

// The only references a document without a DTD may use: the five predefined entities
// and character references. Anything else refers to an undeclared entity.
const REFERENCE = /&(?:amp|lt|gt|quot|apos|#([0-9]{1,7})|#x([0-9A-Fa-f]{1,6}));/y;

type MarkupKind = 'comment' | 'cdata' | 'pi' | 'close' | 'open' | 'empty' | 'forbidden';

/** One piece of markup: what it is, the index just past it (-1: never closed). */
interface Markup {
  kind: MarkupKind;
  start: number;
  end: number;
  attributes: number;
}

interface ScanState {
  depth: number;
  roots: number;
  nodes: number;
}

/**
 * A single linear pass over the text, before any parser sees it: refuses DTDs and
 * entity declarations (XXE, entity expansion), nesting deeper than MAX_XML_DEPTH, more
 * than MAX_XML_NODES nodes, characters and references that XML does not allow, and text
 * or a second element outside the root. Iterative on purpose: no input can make it
 * recurse. Returns the rejection, or undefined when the text may go to the parser.
 */
export function findXmlHazard(xml: string): ParseResult<never> | undefined {
  if (ILLEGAL_CHAR.test(xml)) return notXml('it contains characters that XML does not allow');
  const state: ScanState = { depth: 0, roots: 0, nodes: 0 };
  let pos = 0;
  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const textHazard = checkText(xml.slice(pos, lt === -1 ? xml.length : lt), state);
    if (textHazard) return textHazard;
    if (lt === -1) break;
    const markup = readMarkup(xml, lt);
    const markupHazard = checkMarkup(xml, markup, state);
    if (markupHazard) return markupHazard;
    pos = markup.end;
  }
  return state.roots === 0 ? notXml('it has no root element') : undefined;
}

function checkText(text: string, state: ScanState): ParseResult<never> | undefined {
  if (state.depth === 0 && NOT_WHITESPACE.test(text)) {
    return notXml('it has text outside the root element');
  }
  return referencesAreDeclared(text) ? undefined : undeclaredReference();
}

/** Checks one piece of markup and updates depth and counts; the rejection if any. */
function checkMarkup(
  xml: string,
  markup: Markup,
  state: ScanState,
): ParseResult<never> | undefined {
  if (markup.kind === 'forbidden') return forbidden();
  if (markup.end === -1) return notXml('it has an unclosed tag, comment or section');
  if (markup.kind === 'close') {
    state.depth -= 1;
    return state.depth < 0 ? notXml('it closes an element that was never opened') : undefined;
  }
  if (markup.kind === 'cdata' && state.depth === 0) {
    return notXml('it has text outside the root element');
  }
  state.nodes += 1 + markup.attributes;
  if (state.nodes > MAX_XML_NODES) {
    return reject(
      'payload_too_large',
      `the XML has more than ${MAX_XML_NODES} elements, attributes and other nodes`,
    );
  }
  if (markup.kind === 'open' || markup.kind === 'empty') {
    if (!referencesAreDeclared(xml.slice(markup.start, markup.end))) return undeclaredReference();
    if (state.depth === 0 && ++state.roots > 1) {
      return notXml('it has more than one root element');
    }
  }
  if (markup.kind === 'open' && ++state.depth > MAX_XML_DEPTH) {
    return reject(
      'document_too_deep',
      `the XML is nested more than ${MAX_XML_DEPTH} elements deep`,
    );
  }
  return undefined;
}

/** What starts at `at` (a '<'). */
function readMarkup(xml: string, at: number): Markup {
  const markup = (kind: MarkupKind, end: number, attributes = 0): Markup => ({
    kind,
    start: at,
    end,
    attributes,
  });
  if (xml.startsWith('<!--', at)) return markup('comment', pastEnd(xml, '-->', at + 4));
  if (xml.startsWith('<![CDATA[', at)) return markup('cdata', pastEnd(xml, ']]>', at + 9));
  // Every other '<!' (DOCTYPE, ENTITY, ELEMENT, ATTLIST, conditional sections) belongs to
  // a DTD, which a referral never needs.
  if (xml.startsWith('<!', at)) return markup('forbidden', -1);
  if (xml.startsWith('<?', at)) return markup('pi', pastEnd(xml, '?>', at + 2));
  if (xml.startsWith('</', at)) return markup('close', pastEnd(xml, '>', at + 2));
  const { end, attributes } = readStartTag(xml, at);
  return markup(end !== -1 && xml[end - 2] === '/' ? 'empty' : 'open', end, attributes);
}

function pastEnd(xml: string, terminator: string, from: number): number {
  const found = xml.indexOf(terminator, from);
  return found === -1 ? -1 : found + terminator.length;
}

/**
 * Index just past the '>' of a start tag ('>' may occur inside quoted attribute values)
 * and the number of attributes in it (its '=' signs outside quotes).
 */
function readStartTag(xml: string, at: number): { end: number; attributes: number } {
  let quote = '';
  let attributes = 0;
  for (let i = at + 1; i < xml.length; i++) {
    const c = xml[i];
    // '<' is never legal inside a tag, quoted or not: treat it as malformed rather than
    // let a quote hide markup from this scan.
    if (c === '<') return { end: -1, attributes };
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '=') {
      attributes += 1;
    } else if (c === '>') {
      return { end: i + 1, attributes };
    }
  }
  return { end: -1, attributes };
}

function referencesAreDeclared(segment: string): boolean {
  for (let at = segment.indexOf('&'); at !== -1; at = segment.indexOf('&', at + 1)) {
    REFERENCE.lastIndex = at;
    const match = REFERENCE.exec(segment);
    if (!match) return false;
    const [, decimal, hex] = match;
    if (decimal !== undefined || hex !== undefined) {
      const codePoint = decimal !== undefined ? Number(decimal) : parseInt(hex ?? '', 16);
      if (!isXmlChar(codePoint)) return false;
    }
  }
  return true;
}

function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

const notXml = (why: string) => reject('invalid_xml', `the message is not well-formed XML: ${why}`);

const undeclaredReference = () =>
  notXml('it uses an entity or character reference that is not allowed (no DTD, no entities)');

const forbidden = () =>
  reject(
    'forbidden_xml_construct',
    'DTDs and entity declarations (<!DOCTYPE>, <!ENTITY>) are not accepted',
  );
