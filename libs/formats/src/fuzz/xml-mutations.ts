import fc from 'fast-check';
import { nastyString, PROTO_KEYS, SENTINEL } from './json-mutations';

/**
 * Structure-aware mutations of a valid XML document, on its text: drop, duplicate, rename
 * or wrap an element, replace a leaf's text, add attributes, and splice in the tricks XML
 * parsers have fallen for (DTDs and entities, character references out of range, CDATA
 * and comment edge cases, processing instructions, namespaces, a second root).
 */

const HAZARDS = [
  '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
  '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
  '<!DOCTYPE r SYSTEM "http://zqfuzzsentinel.example/x.dtd">',
  '<!ENTITY % p SYSTEM "http://zqfuzzsentinel.example/">',
  '&x;',
  '&b;',
  '&#0;',
  '&#x0;',
  '&#xD800;',
  '&#x110000;',
  '&#99999999;',
  '&#x1F600;',
  '&amp;lt;',
  '&lt;script&gt;',
  '&',
  '<',
  ']]>',
  '<![CDATA[ ]]]]><![CDATA[> ]]>',
  '<![CDATA[',
  '<![CDATA[<cyberTiplineReferral/>]]>',
  '<?xml-stylesheet href="http://zqfuzzsentinel.example/"?>',
  '<?xml version="1.0"?>',
  '<!-- -- -->',
  '<!--',
  '-->',
  '<x:reportId xmlns:x="urn:x">1</x:reportId>',
  '<reportId>2</reportId>',
  '<dateReceived>2026-11-20T10:00:00Z</dateReceived>',
  '<a b="1" b="2"/>',
  '<a b=1/>',
  '</cyberTiplineReferral><cyberTiplineReferral>',
  '<cyberTiplineReferral/>',
  '\u0000',
  '\ufeff',
  '\ud800',
];

const PROLOGS = [
  '',
  '\ufeff',
  '<?xml version="1.1" encoding="UTF-16"?>\n',
  '<?xml version="1.0" encoding="ISO-8859-1" standalone="yes"?>\n',
  '   \n',
  'junk',
  '<!DOCTYPE cyberTiplineReferral>\n',
];

export interface XmlMutation {
  op:
    'drop' | 'duplicate' | 'rename' | 'text' | 'rawtext' | 'attribute' | 'wrap' | 'hazard' | 'huge';
  at: number;
  text: string;
  name: string;
  count: number;
}

export const xmlMutation: fc.Arbitrary<XmlMutation> = fc.record({
  op: fc.constantFrom(
    'drop',
    'duplicate',
    'rename',
    'text',
    'rawtext',
    'attribute',
    'wrap',
    'hazard',
    'hazard',
    'huge',
  ),
  at: fc.nat(),
  text: fc.oneof(nastyString, fc.constantFrom(...HAZARDS)),
  name: fc.oneof(
    fc.constantFrom(...PROTO_KEYS, '#text', '@_x', 'reportId', 'url', 'fileDetails', 'x:y', 'a.b'),
    fc.stringMatching(/^[A-Za-z_][A-Za-z0-9._-]{0,12}$/),
  ),
  count: fc.integer({ min: 1, max: 200 }),
}) as fc.Arbitrary<XmlMutation>;

export const xmlProlog = fc.constantFrom(...PROLOGS);

interface ElementSpan {
  name: string;
  start: number;
  openEnd: number;
  closeStart: number;
  end: number;
}

/** Applies the mutations in order to the XML text. */
export function mutateXml(xml: string, mutations: XmlMutation[], prolog = ''): string {
  let text = xml;
  for (const m of mutations) text = mutateOnce(text, m);
  return prolog + text;
}

function mutateOnce(xml: string, m: XmlMutation): string {
  const elements = spans(xml);
  if (m.op === 'hazard') {
    const at = m.at % (xml.length + 1);
    return xml.slice(0, at) + m.text + xml.slice(at);
  }
  const el = elements[m.at % Math.max(1, elements.length)];
  if (!el) return xml;
  const whole = xml.slice(el.start, el.end);
  const inner = xml.slice(el.openEnd, el.closeStart);
  const before = xml.slice(0, el.start);
  const after = xml.slice(el.end);
  switch (m.op) {
    case 'drop':
      return before + after;
    case 'duplicate':
      return before + whole.repeat(Math.min(m.count, 20) + 1) + after;
    case 'rename':
      return `${before}<${m.name}>${inner}</${m.name}>${after}`;
    case 'text':
      return `${xml.slice(0, el.openEnd)}${escape(m.text)}${xml.slice(el.closeStart)}`;
    case 'rawtext':
      return `${xml.slice(0, el.openEnd)}${m.text}${xml.slice(el.closeStart)}`;
    case 'attribute':
      return `${xml.slice(0, el.openEnd - 1)} ${m.name}="${escape(m.text)}">${xml.slice(el.openEnd)}`;
    case 'wrap':
      return `${before}${'<w>'.repeat(m.count)}${whole}${'</w>'.repeat(m.count)}${after}`;
    case 'huge':
      return `${xml.slice(0, el.openEnd)}${SENTINEL.repeat(m.count * 50)}${xml.slice(el.closeStart)}`;
    default:
      return xml;
  }
}

/** Elements with a start tag and a matching end tag (`<a …>…</a>`), in document order. */
function spans(xml: string): ElementSpan[] {
  const out: ElementSpan[] = [];
  const open = /<([A-Za-z_][\w.:-]*)(?:\s[^<>]*)?>/g;
  for (let match = open.exec(xml); match; match = open.exec(xml)) {
    if (match[0].endsWith('/>')) continue;
    const name = match[1]!;
    const closeStart = xml.indexOf(`</${name}>`, match.index + match[0].length);
    if (closeStart === -1) continue;
    out.push({
      name,
      start: match.index,
      openEnd: match.index + match[0].length,
      closeStart,
      end: closeStart + name.length + 3,
    });
  }
  return out;
}

const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
