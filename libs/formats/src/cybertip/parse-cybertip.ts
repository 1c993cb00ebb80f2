import { type CanonicalReferral } from '@wissel/domain';
import { validateCanonicalReferral } from '../canonical/parse-canonical';
import { decodeUtf8 } from '../decode-text';
import { reject, type ParseResult } from '../rejection';
import { CYBERTIP_ROOT, mapCyberTipReferral } from './map-cybertip';
import { findXmlHazard } from './xml-guard';
import { readXmlDocument } from './xml-tree';

/**
 * Parses one CyberTipline-style XML referral (US reporting centres) into the canonical
 * referral. Bytes → UTF-8 text → lexical guard (no DTD or entities, bounded depth) →
 * well-formed XML → mapping → canonical validation. Any input gives a referral or a
 * rejection, never an exception; rejections never quote the payload.
 */
export function parseCyberTipReferral(
  payload: Buffer | null,
  maxBytes: number,
): ParseResult<CanonicalReferral> {
  try {
    const text = decodeUtf8(payload, maxBytes);
    if (!text.ok) return text;
    const hazard = findXmlHazard(text.value);
    if (hazard) return hazard;
    const document = readXmlDocument(text.value);
    if (!document.ok) return document;
    if (document.value.rootName !== CYBERTIP_ROOT) {
      return reject('unsupported_schema', `the root element must be <${CYBERTIP_ROOT}>`, '/');
    }
    const mapped = mapCyberTipReferral(document.value.root);
    if (!mapped.ok) return mapped;
    return validateCanonicalReferral(mapped.value);
  } catch {
    // Defence in depth: whatever was missed must dead-letter the message, not crash the
    // consumer or block its partition.
    return reject('invalid_xml', 'the message could not be read as a CyberTipline referral');
  }
}
