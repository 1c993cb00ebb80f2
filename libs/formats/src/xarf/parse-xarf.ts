import { canonicalUrl, InvalidUrlError, type CanonicalReferral } from '@wissel/domain';
import { validateCanonicalReferral } from '../canonical/parse-canonical';
import { decodeJsonObject } from '../decode-json';
import { mediaBytesField } from '../media-in-document';
import { reject, type ParseResult } from '../rejection';
import { toCanonical } from './map-xarf';
import { validateXarfReport } from './validate-xarf';
import { checkEvidence } from './xarf-evidence';
import { hashesOf } from './xarf-hashes';

/**
 * Parses an X-ARF v4 content report (type csam or csem, versions 4.0.0 to 4.2.x) into a
 * canonical referral v2: the official schemas, Wissel's bounds, the evidence rules (text
 * notes only, never media bytes), then the mapping (docs/formats/xarf.md). Rejections name
 * the report's own field. Any input gives a referral or a rejection, never an exception.
 */
export function parseXarfReport(
  payload: Buffer | null,
  maxBytes: number,
): ParseResult<CanonicalReferral> {
  const json = decodeJsonObject(payload, maxBytes);
  if (!json.ok) return json;
  const report = validateXarfReport(json.value);
  if (!report.ok) return report;
  const x = report.value;
  const evidence = checkEvidence(x.evidence ?? []);
  if (evidence) return evidence;
  // Evidence notes have their rule above; every other string, read or not, is searched.
  const media = mediaBytesField(x, (pointer) => EVIDENCE_PAYLOAD.test(pointer));
  if (media) return media;
  const url = checkUrl(x.url);
  if (url) return url;
  const hashes = hashesOf(x);
  if (!hashes.ok) return hashes;
  return validateCanonicalReferral(toCanonical(x, hashes.value));
}

const EVIDENCE_PAYLOAD = /^\/evidence\/\d+\/payload$/;

/** The URL must have a canonical form (de-duplication keys on it): refused as `/url`. */
function checkUrl(url: string): ParseResult<never> | undefined {
  try {
    canonicalUrl(url);
    return undefined;
  } catch (error) {
    const reason = error instanceof InvalidUrlError ? error.reason : 'unparseable';
    return reject('schema_violation', `is not a usable http(s) URL (${reason})`, '/url');
  }
}
