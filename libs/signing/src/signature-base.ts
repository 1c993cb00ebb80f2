import { InnerList, serializeItem } from 'structured-headers';
import { componentValue } from './components';
import { HttpMessage } from './message';
import { serializeSignatureParams, SignatureParams, toInnerList } from './signature-params';

export interface SignatureBase {
  /** The exact text that is signed (ASCII), lines joined by "\n", no trailing newline. */
  base: string;
  /** The `@signature-params` value, which is also the Signature-Input member value. */
  signatureParams: string;
}

/** RFC 9421 §2.5: one line per covered component, then the `@signature-params` line. */
export function buildSignatureBase(
  message: HttpMessage,
  components: readonly string[],
  params: SignatureParams,
): SignatureBase {
  return signatureBaseOf(message, toInnerList(components, params));
}

export function signatureBaseOf(message: HttpMessage, innerList: InnerList): SignatureBase {
  const lines = innerList[0].map(
    ([name]) => `${serializeItem(name, new Map())}: ${componentValue(message, String(name))}`,
  );
  const signatureParams = serializeSignatureParams(innerList);
  lines.push(`"@signature-params": ${signatureParams}`);
  return { base: lines.join('\n'), signatureParams };
}
