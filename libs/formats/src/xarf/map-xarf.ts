import { isIP } from 'node:net';
import {
  REFERRAL_SCHEMA,
  toCountry,
  type CanonicalReferral,
  type Channel,
  type Incident,
  type Locator,
  type LocatorHints,
  type Media,
  type MediaHashes,
  type Person,
} from '@wissel/domain';
import { type XarfContentReport } from './xarf-report';

/** observedIps holds at most this many addresses (the canonical schema's bound). */
const MAX_OBSERVED_IPS = 64;

/**
 * Maps a validated X-ARF v4 content report onto a canonical referral v2. Removal signals
 * (the URL, the sender's hosting fields and DNS records) go to the one locator; the
 * perpetrator and the victim go to persons. See docs/formats/xarf.md for every field.
 */
export function toCanonical(x: XarfContentReport, hashes: MediaHashes): CanonicalReferral {
  const reporter = x.reporter.domain.toLowerCase();
  const sender = x.sender.domain.toLowerCase();
  const perpetrator = perpetratorOf(x);
  const hints = hintsOf(x);
  return {
    schema: REFERRAL_SCHEMA,
    source: { kind: 'abuse_desk', organisation: x.reporter.org },
    sourceRef: { system: reporter, id: x.report_id },
    // X-ARF has one time, the incident's; it is also the only report time the sender gives.
    reportedAt: x.timestamp,
    // A sender relaying someone else's report is a hop: never route back to it either.
    via: sender !== reporter ? [sender] : [],
    incident: incidentOf(x),
    locators: [locatorOf(x, hints, perpetrator)],
    media: mediaOf(x, hashes),
    persons: [...perpetrator, ...victimOf(x)],
    ...(Object.keys(hints).length ? { hints: hostingOnly(hints) } : {}),
  };
}

function incidentOf(x: XarfContentReport): Incident {
  const channels: Channel[] = ['web'];
  if (x.platform === 'messaging_app') channels.push('chat');
  if (x.platform === 'email') channels.push('email');
  return {
    type: x.type,
    priority: 'normal',
    detectionMethod: x.detection_method,
    ...(nonEmpty(x.evidence_source) ? { evidenceSource: x.evidence_source } : {}),
    channels,
    occurredAt: x.timestamp,
    policeOnly: false,
    ...(nonEmpty(x.ncmec_report_id)
      ? { externalRefs: [{ system: 'NCMEC', id: x.ncmec_report_id }] }
      : {}),
    ...(x.exploitation_type ? { exploitationType: x.exploitation_type } : {}),
    ...(x.platform ? { platform: x.platform } : {}),
    ...(x.reporting_obligations?.length
      ? { reportedTo: [...new Set(x.reporting_obligations)] }
      : {}),
    ...(x.account_suspended !== undefined ? { accountSuspended: x.account_suspended } : {}),
    ...(x.confidence !== undefined ? { confidence: x.confidence } : {}),
    ...(x.tags?.length ? { tags: [...new Set(x.tags)] } : {}),
  };
}

function locatorOf(x: XarfContentReport, hints: LocatorHints, perpetrator: Person[]): Locator {
  const file = x.media_type === 'image' || x.media_type === 'video' || x.media_type === 'audio';
  const observedIps = [...new Set([...hostingIps(x, perpetrator), ...dnsIps(x)])].slice(
    0,
    MAX_OBSERVED_IPS,
  );
  return {
    url: x.url,
    kind: file ? 'media_file' : 'web_page',
    granularity: file ? 'file' : 'page',
    ...(observedIps.length ? { observedIps } : {}),
    ...(x.verified_at ? { observedAt: x.verified_at } : {}),
    ...(Object.keys(hints).length ? { hints } : {}),
    ...(x.content_removed !== undefined ? { contentRemoved: x.content_removed } : {}),
  };
}

/**
 * csam: the spec's "identifier of the abuse source" is, for content reports, the server the
 * content is served from (docs/formats/xarf.md quotes why) — unless the sender lists the
 * same address as the perpetrator's. csem: the source is the perpetrator, never hosting.
 */
function hostingIps(x: XarfContentReport, perpetrator: Person[]): string[] {
  if (x.type !== 'csam' || isIP(x.source_identifier) === 0) return [];
  const persons = new Set(perpetrator.flatMap((p) => (p.ipEvents ?? []).map((e) => e.ip)));
  return persons.has(x.source_identifier) ? [] : [x.source_identifier];
}

/** The sender's DNS records of the content's domain, when that domain is the URL's host. */
function dnsIps(x: XarfContentReport): string[] {
  if (!x.dns_records || (x.domain && x.domain.toLowerCase() !== hostOf(x.url))) return [];
  return [...(x.dns_records.a ?? []), ...(x.dns_records.aaaa ?? [])];
}

function perpetratorOf(x: XarfContentReport): Person[] {
  const p = x.perpetrator_indicators ?? {};
  const ips = [...(p.ip_addresses ?? [])];
  const ids = nonEmpty(p.account_id) ? [p.account_id] : [];
  if (x.type === 'csem') {
    const source = x.source_identifier;
    if (isIP(source) !== 0) ips.unshift(source);
    // Any other identifier of the perpetrator is an account, unless it names the site.
    else if (!isSiteName(x, source)) ids.push(source);
  }
  // The source port goes with the source address only: behind CGNAT it names the subscriber.
  const port = x.type === 'csem' && x.source_port !== undefined ? x.source_port : undefined;
  const ipEvents = [...new Set(ips)].map((ip) =>
    ip === x.source_identifier && port !== undefined ? { ip, port } : { ip },
  );
  const accounts = [...new Set(ids)].map((id) => ({ id }));
  if (ipEvents.length === 0 && accounts.length === 0) return [];
  return [
    {
      role: 'account',
      ...(accounts.length ? { accounts } : {}),
      ...(ipEvents.length ? { ipEvents } : {}),
    },
  ];
}

function victimOf(x: XarfContentReport): Person[] {
  return x.victim_age_range ? [{ role: 'victim', ageRange: x.victim_age_range }] : [];
}

function mediaOf(x: XarfContentReport, hashes: MediaHashes): Media[] {
  if (Object.keys(hashes).length === 0 && !x.classification) return [];
  return [
    {
      locator: 0,
      mediaType: mediaTypeOf(x.media_type),
      hashes,
      ...(x.classification
        ? {
            classification: {
              scheme: x.classification === 'baseline' ? 'interpol-baseline' : 'industry',
              value: x.classification,
              assessedBy: x.reporter.org,
              ...(x.victim_age_range ? { ageGroup: x.victim_age_range } : {}),
            },
          }
        : {}),
    },
  ];
}

function mediaTypeOf(type: XarfContentReport['media_type']): Media['mediaType'] {
  return type === undefined || type === 'mixed' ? 'other' : type;
}

function hintsOf(x: XarfContentReport): LocatorHints {
  const hostingCountry = toCountry(x.country_code);
  return {
    ...(hostingCountry ? { hostingCountry } : {}),
    ...(nonEmpty(x.hosting_provider) ? { hostingProvider: x.hosting_provider } : {}),
    ...(x.asn !== undefined ? { asn: x.asn } : {}),
  };
}

/** The referral-wide hints (older readers and the decision record look there). */
function hostingOnly(h: LocatorHints): CanonicalReferral['hints'] {
  return {
    ...(h.hostingCountry ? { hostingCountry: h.hostingCountry } : {}),
    ...(h.hostingProvider ? { hostingProvider: h.hostingProvider } : {}),
    ...(h.asn !== undefined ? { asn: h.asn } : {}),
  };
}

function isSiteName(x: XarfContentReport, identifier: string): boolean {
  const name = identifier.toLowerCase().replace(/\.$/, '');
  return name === hostOf(x.url) || name === x.domain?.toLowerCase();
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}
