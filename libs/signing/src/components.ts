import { SignatureError } from './errors';
import { fieldValues, HttpMessage } from './message';
import { parseTargetUri, TargetUri } from './target-uri';

/** The derived components this library can sign and verify (RFC 9421 §2.2). */
export const DERIVED_COMPONENTS = [
  '@method',
  '@target-uri',
  '@authority',
  '@scheme',
  '@request-target',
  '@path',
  '@query',
] as const;

export type DerivedComponent = (typeof DERIVED_COMPONENTS)[number];

// RFC 9110 field-name: a token. Component names for fields are its lower-cased form.
const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** Refuses a component name this library cannot build a value for. */
export function checkComponentName(name: string): void {
  if (name.startsWith('@')) {
    if (!(DERIVED_COMPONENTS as readonly string[]).includes(name)) {
      throw new SignatureError(
        'signature_input_invalid',
        `the derived component "${name}" is not supported; use one of ${DERIVED_COMPONENTS.join(', ')}`,
      );
    }
  } else if (!FIELD_NAME.test(name)) {
    throw new SignatureError(
      'signature_input_invalid',
      `"${name}" is not a lower-case HTTP field name`,
    );
  }
}

/** The component value that goes into the signature base, after `"name": `. */
export function componentValue(message: HttpMessage, name: string): string {
  checkComponentName(name);
  if (name.startsWith('@')) return derivedValue(message, name as DerivedComponent);
  return fieldValue(message, name);
}

function derivedValue(message: HttpMessage, name: DerivedComponent): string {
  if (name === '@method') return checkedLine(message.method, name);
  const uri: TargetUri = parseTargetUri(message.url);
  switch (name) {
    case '@target-uri':
      return uri.targetUri;
    case '@authority':
      return uri.authority;
    case '@scheme':
      return uri.scheme;
    case '@request-target':
      return uri.requestTarget;
    case '@path':
      return uri.path;
    case '@query':
      return uri.query;
  }
}

/** RFC 9421 §2.1: each value stripped of leading and trailing SP/HTAB, joined by ", ". */
function fieldValue(message: HttpMessage, name: string): string {
  const values = fieldValues(message, name);
  if (values === undefined) {
    throw new SignatureError(
      'signature_input_invalid',
      `the covered field "${name}" is not in the message`,
    );
  }
  return checkedLine(values.map((value) => value.replace(/^[ \t]+|[ \t]+$/g, '')).join(', '), name);
}

// Only visible ASCII, space and tab: a line break would let one value forge another line
// of the base, and non-ASCII would make the signed bytes depend on an encoding choice.
function checkedLine(value: string, name: string): string {
  if (/[^\t\x20-\x7e]/.test(value)) {
    throw new SignatureError(
      'signature_input_invalid',
      `the value of "${name}" has a line break, control or non-ASCII character`,
    );
  }
  return value;
}
