import { Dictionary, InnerList, Item, parseDictionary } from 'structured-headers';
import { SignatureError } from './errors';
import { fieldValues, HttpMessage } from './message';

/** One signature taken from the Signature-Input and Signature fields, by label. */
export interface LabelledSignature {
  label: string;
  input: Item | InnerList;
  signature: Buffer;
}

/**
 * Reads the two fields and picks one label: the one asked for, or the only one there is.
 * Several signatures without a label to choose are refused rather than guessed at.
 */
export function readSignature(message: HttpMessage, label?: string): LabelledSignature {
  const inputs = readDictionary(message, 'signature-input');
  const signatures = readDictionary(message, 'signature');
  const chosen = label ?? onlyLabel(inputs);
  const input = inputs.get(chosen);
  const signature = signatures.get(chosen);
  if (input === undefined || signature === undefined) {
    const missingFrom = input === undefined ? 'Signature-Input' : 'Signature';
    throw new SignatureError(
      'signature_label_unknown',
      `no signature labelled "${chosen}" in ${missingFrom}`,
    );
  }
  const [bytes] = signature;
  if (!isArrayBuffer(bytes)) {
    throw new SignatureError(
      'signature_input_invalid',
      `the Signature member "${chosen}" must be a byte sequence (:base64:)`,
    );
  }
  return { label: chosen, input, signature: Buffer.from(bytes) };
}

function readDictionary(message: HttpMessage, name: string): Dictionary {
  const values = fieldValues(message, name);
  if (values === undefined || values.every((value) => value.trim() === '')) {
    throw new SignatureError('signature_missing', `the ${name} header is missing`);
  }
  try {
    return parseDictionary(values.join(', '));
  } catch (error) {
    throw new SignatureError(
      'signature_input_invalid',
      `the ${name} header is not a structured dictionary (RFC 8941): ${(error as Error).message}`,
    );
  }
}

function onlyLabel(inputs: Dictionary): string {
  const labels = [...inputs.keys()];
  const [only] = labels;
  if (labels.length !== 1 || only === undefined) {
    throw new SignatureError(
      'signature_label_unknown',
      `Signature-Input holds ${labels.length} signatures (${labels.join(', ')}); expected one`,
    );
  }
  return only;
}

// Not `instanceof`: a buffer made in another realm (jest, workers) fails that test.
function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}
