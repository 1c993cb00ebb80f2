import { type CanonicalReferral } from '@wissel/domain';
import { validateCanonicalReferral } from '../canonical/parse-canonical';
import { decodeUtf8 } from '../decode-text';
import { mediaBytesField } from '../media-in-document';
import { reject, type ParseResult } from '../rejection';
import { readSubmission } from './envelope';
import { mapCyberTipReferral } from './map-cybertip';
import { findXmlHazard } from './xml-guard';
import { readXmlDocument } from './xml-tree';

/**
 * Parses one CyberTipline submission: NCMEC's <report> sent bare, or Wissel's
 * <cyberTiplineReferral> envelope around one <report> and its <fileDetails> documents.
 * Bytes → UTF-8 text → lexical guard (no DTD or entities, bounded depth) → well-formed
 * XML → the XSD's required elements → mapping → canonical validation. Any input gives a
 * referral or a rejection, never an exception; rejections never quote the payload.
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
    // Elements Wissel does not read are kept in the raw payload: none may carry media.
    const media = mediaBytesField(document.value.root);
    if (media) return media;
    const submission = readSubmission(document.value.rootName, document.value.root);
    if (!submission.ok) return submission;
    const mapped = mapCyberTipReferral(submission.value);
    if (!mapped.ok) return mapped;
    return validateCanonicalReferral(mapped.value);
  } catch {
    // Defence in depth: whatever was missed must dead-letter the message, not crash the
    // consumer or block its partition.
    return reject('invalid_xml', 'the message could not be read as a CyberTipline referral');
  }
}
