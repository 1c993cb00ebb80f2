import { InnerList, isInnerList, Item, Parameters, serializeInnerList } from 'structured-headers';
import { checkComponentName } from './components';
import { SignatureError } from './errors';

/** Signature parameters of RFC 9421 §2.3 that this library reads or writes. */
export interface SignatureParams {
  created?: number;
  expires?: number;
  keyid?: string;
  alg?: string;
  nonce?: string;
  tag?: string;
}

export type SignatureParamName = keyof SignatureParams;

const INTEGER_PARAMS = ['created', 'expires'] as const;
const STRING_PARAMS = ['keyid', 'alg', 'nonce', 'tag'] as const;
// Written in this order; a verifier re-serialises whatever order it was sent.
const PARAM_ORDER: readonly SignatureParamName[] = [
  'created',
  'expires',
  'keyid',
  'alg',
  'nonce',
  'tag',
];

/** The covered components and parameters as the inner list of a Signature-Input member. */
export function toInnerList(components: readonly string[], params: SignatureParams): InnerList {
  checkComponents(components);
  const parameters: Parameters = new Map();
  for (const name of PARAM_ORDER) {
    const value = params[name];
    if (value !== undefined) parameters.set(name, value);
  }
  return [components.map((name): Item => [name, new Map()]), parameters];
}

/** Each component must be one this library can build, and covered once (RFC 9421 §3.2). */
function checkComponents(components: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of components) {
    checkComponentName(name);
    if (seen.has(name)) {
      throw new SignatureError('signature_input_invalid', `"${name}" is covered twice`);
    }
    seen.add(name);
  }
}

/** Serialises an inner list; invalid values (e.g. non-ASCII strings) become a typed error. */
export function serializeSignatureParams(innerList: InnerList): string {
  try {
    return serializeInnerList(innerList);
  } catch (error) {
    throw new SignatureError(
      'signature_input_invalid',
      `the signature parameters cannot be serialised: ${(error as Error).message}`,
    );
  }
}

/** What a received Signature-Input member covers and claims, checked for shape and type. */
export interface ParsedSignatureInput {
  innerList: InnerList;
  components: string[];
  params: SignatureParams;
}

export function parseSignatureInput(member: Item | InnerList, label: string): ParsedSignatureInput {
  if (!isInnerList(member)) {
    throw new SignatureError('signature_input_invalid', `"${label}" is not an inner list`);
  }
  const [items, parameters] = member;
  const components = items.map(([name, itemParams]) => {
    if (typeof name !== 'string') {
      throw new SignatureError('signature_input_invalid', 'covered components must be strings');
    }
    // Component parameters (sf, key, bs, req, tr, name) change the value; none are supported.
    if (itemParams.size > 0) {
      throw new SignatureError(
        'signature_input_invalid',
        `component parameters on "${name}" are not supported`,
      );
    }
    return name;
  });
  checkComponents(components);
  return { innerList: member, components, params: readParams(parameters) };
}

function readParams(parameters: Parameters): SignatureParams {
  const params: SignatureParams = {};
  for (const name of INTEGER_PARAMS) {
    const value = parameters.get(name);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new SignatureError(
        'signature_input_invalid',
        `"${name}" must be a non-negative integer`,
      );
    }
    params[name] = value;
  }
  for (const name of STRING_PARAMS) {
    const value = parameters.get(name);
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') {
      throw new SignatureError('signature_input_invalid', `"${name}" must be a non-empty string`);
    }
    params[name] = value;
  }
  return params;
}
