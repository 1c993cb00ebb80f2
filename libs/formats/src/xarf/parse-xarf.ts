import { isIP } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  REFERRAL_SCHEMA,
  toCountry,
  type CanonicalReferral,
  type Locator,
  type Media,
  type Person,
} from '@wissel/domain';
import { validateCanonicalReferral } from '../canonical/parse-canonical';
import { decodeJsonObject } from '../decode-json';
import { reject, type ParseResult } from '../rejection';
import { schemaViolation } from '../schema-violation';
import schema from './xarf-content.schema.json';

/** The X-ARF fields Wissel reads (see xarf-content.schema.json). */
interface XarfContentReport {
  xarf_version: string;
  report_id: string;
  timestamp: string;
  reporter: { org: string; contact: string; domain: string };
  sender: { org: string; contact: string; domain: string };
  source_identifier: string;
  category: 'content';
  type: 'csam' | 'csem';
  url?: string;
  hosting_provider?: string;
  asn?: number;
  country_code?: string;
  verified_at?: string;
  classification?: 'baseline' | 'A1' | 'A2' | 'B1' | 'B2';
  media_type?: 'image' | 'video' | 'audio' | 'text' | 'mixed';
  detection_method?: string;
  hash_values?: { md5?: string; sha1?: string; sha256?: string; photodna?: string };
  ncmec_report_id?: string;
  perpetrator_indicators?: { account_id?: string; ip_addresses?: string[] };
  evidence?: Array<Record<string, unknown>>;
}

// strictRequired off: the if/then blocks require properties declared at the top level.
const ajv = new Ajv2020({ allErrors: false, strict: true, strictRequired: false });
addFormats(ajv, ['date-time']);
const validate = ajv.compile<XarfContentReport>(schema);

/**
 * Maps an X-ARF v4 content report (type csam or csem) onto a canonical referral. Removal
 * signals (url, hosting hints, the source IP) go to locators and hints; investigation
 * signals (the perpetrator's account and IPs, csem) go to persons. Any input gives a
 * referral or a rejection, never an exception.
 */
export function parseXarfReport(
  payload: Buffer | null,
  maxBytes: number,
): ParseResult<CanonicalReferral> {
  const json = decodeJsonObject(payload, maxBytes);
  if (!json.ok) return json;
  const document = json.value;
  if (document.category !== 'content' || (document.type !== 'csam' && document.type !== 'csem')) {
    return reject(
      'unsupported_schema',
      'only X-ARF v4 category "content", type "csam" or "csem" is accepted',
      '/type',
    );
  }
  if (!validate(document)) return schemaViolation(validate.errors, 'X-ARF v4 content');
  const bytes = mediaBytesIn(document.evidence ?? []);
  if (bytes !== undefined) {
    return reject(
      'media_bytes_forbidden',
      'evidence must hold hashes only; Wissel never accepts media or file contents',
      `/evidence/${bytes}/payload`,
    );
  }
  return validateCanonicalReferral(toCanonical(document));
}

/** Index of the first evidence item that carries content rather than only a hash. */
function mediaBytesIn(evidence: Array<Record<string, unknown>>): number | undefined {
  const index = evidence.findIndex((item) =>
    typeof item.payload === 'string' ? item.payload.length > 0 : item.payload !== undefined,
  );
  return index >= 0 ? index : undefined;
}

function toCanonical(x: XarfContentReport): CanonicalReferral {
  const locators = x.url ? [locatorOf(x, x.url)] : [];
  const reporter = x.reporter.domain.toLowerCase();
  const sender = x.sender.domain.toLowerCase();
  return {
    schema: REFERRAL_SCHEMA,
    source: { kind: 'abuse_desk', organisation: x.reporter.org },
    sourceRef: { system: reporter, id: x.report_id },
    reportedAt: x.timestamp,
    // A sender relaying someone else's report is a hop: never route back to it either.
    via: sender !== reporter ? [sender] : [],
    incident: {
      type: x.type,
      priority: 'normal',
      ...(x.detection_method ? { detectionMethod: x.detection_method } : {}),
      channels: x.url ? ['web'] : ['other'],
      // csem without a URL (grooming, sextortion…) has nothing to take down.
      policeOnly: locators.length === 0,
      ...(x.ncmec_report_id ? { externalRefs: [{ system: 'NCMEC', id: x.ncmec_report_id }] } : {}),
    },
    locators,
    media: mediaOf(x, locators.length > 0),
    persons: personsOf(x),
    hints: hintsOf(x),
  };
}

function locatorOf(x: XarfContentReport, url: string): Locator {
  const file = x.media_type === 'image' || x.media_type === 'video' || x.media_type === 'audio';
  // For content reports the source identifier is where the content is served from.
  const ip = isIP(x.source_identifier) ? [x.source_identifier] : [];
  return {
    url,
    kind: file ? 'media_file' : 'web_page',
    granularity: file ? 'file' : 'page',
    ...(ip.length ? { observedIps: ip } : {}),
    ...(x.verified_at ? { observedAt: x.verified_at } : {}),
  };
}

function mediaOf(x: XarfContentReport, hasLocator: boolean): Media[] {
  const h = x.hash_values ?? {};
  const hashes = Object.fromEntries(
    (['md5', 'sha1', 'sha256', 'photodna'] as const)
      .filter((k) => typeof h[k] === 'string' && h[k] !== '')
      .map((k) => [k, k === 'photodna' ? h[k] : h[k]!.toLowerCase()]),
  );
  if (Object.keys(hashes).length === 0) return [];
  const mediaType = x.media_type === 'image' || x.media_type === 'video' ? x.media_type : 'other';
  return [
    {
      ...(hasLocator ? { locator: 0 } : {}),
      mediaType,
      hashes,
      ...(x.classification
        ? {
            classification: {
              scheme: x.classification === 'baseline' ? 'interpol-baseline' : 'industry',
              value: x.classification,
              assessedBy: x.reporter.org,
            },
          }
        : {}),
    },
  ];
}

/** csem's perpetrator: an investigation signal, never a hosting one. */
function personsOf(x: XarfContentReport): Person[] {
  const p = x.perpetrator_indicators;
  if (!p) return [];
  const ipEvents = (p.ip_addresses ?? []).filter((ip) => isIP(ip) !== 0).map((ip) => ({ ip }));
  if (!p.account_id && ipEvents.length === 0) return [];
  return [
    {
      role: 'account',
      ...(p.account_id ? { accounts: [{ id: p.account_id }] } : {}),
      ...(ipEvents.length ? { ipEvents } : {}),
    },
  ];
}

function hintsOf(x: XarfContentReport): CanonicalReferral['hints'] {
  const hostingCountry = toCountry(x.country_code);
  return {
    ...(hostingCountry ? { hostingCountry } : {}),
    ...(x.hosting_provider ? { hostingProvider: x.hosting_provider } : {}),
    ...(x.asn !== undefined ? { asn: x.asn } : {}),
  };
}
