/**
 * Synthetic referrals for the benches: deterministic for a seed, in the three inbound
 * formats (canonical JSON, CyberTipline XML, X-ARF JSON) in a configurable mix, with a share
 * of duplicates (the same URL and hashes reported again by another source) and the hosting
 * mix of ./hosting.ts. Pure: no I/O; the canonical template is passed in. URLs, hashes and
 * ids are made up; nothing here is or points at real material.
 */
import { createHash } from 'node:crypto';
import { SeededRandom } from './random';
import { HOSTS_PER_ENTRY, hostName, type HostingEntry } from './hosting';

export type Format = 'canonical' | 'cybertip' | 'xarf';
export type FormatMix = Readonly<Record<Format, number>>;

export const DEFAULT_MIX: FormatMix = { canonical: 0.6, cybertip: 0.2, xarf: 0.2 };

export interface GeneratorOptions {
  seed: number;
  /** Makes source ids unique to a run: `<tag>-<seq>`; letters and digits only. */
  tag: string;
  mix: FormatMix;
  /** Share of referrals that re-report earlier material from another source, 0..1. */
  duplicateRatio: number;
  hosting: readonly HostingEntry[];
  /** The published canonical example (test/fixtures/canonical/iwf-nl-hosted.json), parsed. */
  canonicalTemplate: Record<string, unknown>;
  /** Threat to life (the urgent lane's referrals). Canonical only. */
  urgent?: boolean;
}

export interface GeneratedReferral {
  seq: number;
  format: Format;
  /** sourceRef.id once parsed: how the bench finds the referral in a dispatch. */
  sourceId: string;
  value: string;
  hosting: string;
  /** seq of the referral whose material this one reports again. */
  duplicateOf?: number;
}

interface Material {
  seq: number;
  format: Format;
  system: string;
  entry: HostingEntry;
  host: string;
  path: string;
  md5: string;
  sha256: string;
  pdq: string;
}

// Senders of canonical referrals: a duplicate from "another source" is another of these,
// or another format.
const CANONICAL_SOURCES = [
  { system: 'IWF', organisation: 'IWF', country: 'GB', via: 'iwf.gb' },
  { system: 'ECO', organisation: 'eco', country: 'DE', via: 'eco.de' },
] as const;
const REPORTED_AT = '2026-11-20T09:41:07Z';

export class ReferralGenerator {
  private readonly random: SeededRandom;
  private readonly originals: Material[] = [];
  private seq = 0;
  private readonly hostingWeights: Record<string, number>;

  constructor(private readonly options: GeneratorOptions) {
    if (!/^[A-Za-z0-9]+$/.test(options.tag)) throw new Error('tag: letters and digits only');
    this.random = new SeededRandom(options.seed);
    this.hostingWeights = Object.fromEntries(options.hosting.map((h) => [h.id, h.weight]));
  }

  next(): GeneratedReferral {
    const seq = this.seq++;
    const wantsDuplicate =
      this.originals.length > 0 && this.random.next() < this.options.duplicateRatio;
    if (wantsDuplicate && !this.options.urgent) {
      const original = this.originals[this.random.below(this.originals.length)]!;
      const format = this.otherFormat(original.format);
      const sourceId = this.sourceIdOf(format, seq);
      const system =
        format === 'canonical' ? this.otherCanonicalSystem(original) : systemOf(format);
      const material = { ...original, seq, format, system };
      return {
        seq,
        format,
        sourceId,
        value: this.render(material, sourceId),
        hosting: original.entry.id,
        duplicateOf: original.seq,
      };
    }
    const format = this.options.urgent ? 'canonical' : this.random.weighted(this.options.mix);
    const sourceId = this.sourceIdOf(format, seq);
    const entryId = this.random.weighted(this.hostingWeights);
    const entry = this.options.hosting.find((h) => h.id === entryId)!;
    const canonicalSource = CANONICAL_SOURCES[this.random.below(CANONICAL_SOURCES.length)]!;
    const material: Material = {
      seq,
      format,
      system: format === 'canonical' ? canonicalSource.system : systemOf(format),
      entry,
      host: hostName(entry, this.random.below(HOSTS_PER_ENTRY)),
      path: `${this.options.tag}/${seq}-${this.random.hex(4)}`,
      md5: this.random.hex(16),
      sha256: this.random.hex(32),
      pdq: this.random.hex(32),
    };
    this.originals.push(material);
    return { seq, format, sourceId, value: this.render(material, sourceId), hosting: entry.id };
  }

  take(count: number): GeneratedReferral[] {
    return Array.from({ length: count }, () => this.next());
  }

  /** `<tag>-<seq>`; X-ARF's report_id must be a UUID: one derived from the same pair. */
  private sourceIdOf(format: Format, seq: number): string {
    const id = `${this.options.tag}-${seq}`;
    return format === 'xarf' ? uuidOf(id) : id;
  }

  private otherFormat(format: Format): Format {
    const others = (Object.keys(this.options.mix) as Format[]).filter(
      (f) => f !== format && this.options.mix[f] > 0,
    );
    // Only one format in the mix: the same format from another sender.
    if (others.length === 0) return format;
    return this.random.weighted(
      Object.fromEntries(others.map((f) => [f, this.options.mix[f]])) as Record<Format, number>,
    );
  }

  private otherCanonicalSystem(original: Material): string {
    const other = CANONICAL_SOURCES.find((s) => s.system !== original.system);
    return (other ?? CANONICAL_SOURCES[0]).system;
  }

  private render(m: Material, sourceId: string): string {
    switch (m.format) {
      case 'canonical':
        return this.canonical(m, sourceId);
      case 'cybertip':
        return cybertip(m, sourceId, this.uploaderIp());
      case 'xarf':
        return xarf(m, sourceId);
    }
  }

  /** An uploader address in one of the hosting countries: investigation routing runs too. */
  private uploaderIp(): string {
    const located = this.options.hosting.filter((h) => h.kind === 'country' && h.address);
    return located[this.random.below(located.length)]!.address!;
  }

  private canonical(m: Material, sourceId: string): string {
    const t = this.options.canonicalTemplate as Record<string, Record<string, unknown>>;
    const source = CANONICAL_SOURCES.find((s) => s.system === m.system)!;
    const page = `https://${m.host}/t/${m.path}`;
    return JSON.stringify({
      ...t,
      source: { kind: 'hotline', organisation: source.organisation, country: source.country },
      sourceRef: { system: source.system, id: sourceId },
      via: [source.via],
      incident: { ...t.incident, threatToLife: this.options.urgent === true },
      locators: [
        {
          url: `https://${m.host}/i/${m.path}.jpg`,
          kind: 'media_file',
          granularity: 'file',
          siteType: 'image_host',
          parentUrl: page,
        },
        { url: page, kind: 'web_page', granularity: 'page', siteType: 'forum' },
      ],
      media: [
        {
          locator: 0,
          mediaType: 'image',
          hashes: { md5: m.md5, sha256: m.sha256, pdq: m.pdq },
          classification: { scheme: 'interpol-baseline', value: 'baseline', assessedBy: m.system },
        },
      ],
      hints: m.entry.hint ? { hostingCountry: m.entry.hint } : {},
    });
  }
}

function systemOf(format: Format): string {
  return format === 'cybertip' ? 'NCMEC' : 'pointdecontact.example';
}

/**
 * Wissel's envelope around NCMEC's report and one fileDetails (elements in the XSD's
 * order): the envelope's reportId is the bench's source id, the file's a number as NCMEC's
 * schema wants it.
 */
function cybertip(m: Material, sourceId: string, uploaderIp: string): string {
  const url = `https://${m.host}/i/${m.path}.jpg`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<cyberTiplineReferral>
  <reportId>${sourceId}</reportId>
  <dateReceived>2026-11-19T21:03:11-05:00</dateReceived>
  <report>
    <incidentSummary>
      <incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>
      <platform>Bench Cloud Drive</platform>
      <incidentDateTime>2026-11-19T18:44:00-05:00</incidentDateTime>
    </incidentSummary>
    <internetDetails>
      <webPageIncident thirdPartyHostedContent="true"><url>https://${m.host}/t/${m.path}</url></webPageIncident>
    </internetDetails>
    <reporter><reportingPerson><email>safety@bench.example</email></reportingPerson></reporter>
    <personOrUserReported>
      <espIdentifier>u-${m.seq}</espIdentifier>
      <ipCaptureEvent>
        <ipAddress>${uploaderIp}</ipAddress>
        <eventName>Upload</eventName>
        <dateTime>2026-11-19T18:40:02-05:00</dateTime>
      </ipCaptureEvent>
    </personOrUserReported>
  </report>
  <fileDetails>
    <reportId>${900_000_000 + m.seq}</reportId>
    <fileId>f-1</fileId>
    <locationOfFile>${url}</locationOfFile>
    <publiclyAvailable>true</publiclyAvailable>
    <originalFileHash hashType="MD5">${m.md5}</originalFileHash>
    <originalFileHash hashType="SHA256">${m.sha256}</originalFileHash>
  </fileDetails>
</cyberTiplineReferral>
`;
}

/** A deterministic UUID (version 4 layout, bits from SHA-256) for a bench id. */
function uuidOf(id: string): string {
  const b = createHash('sha256').update(id).digest().subarray(0, 16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Valid by the official X-ARF 4.2.0 content-csam schema (uuid report_id, enum values). */
function xarf(m: Material, sourceId: string): string {
  return JSON.stringify({
    xarf_version: '4.2.0',
    report_id: sourceId,
    timestamp: REPORTED_AT,
    reporter: {
      org: 'Point de Contact',
      contact: 'reports@pointdecontact.example',
      domain: 'pointdecontact.example',
    },
    sender: {
      org: 'Point de Contact',
      contact: 'reports@pointdecontact.example',
      domain: 'pointdecontact.example',
    },
    source_identifier: m.entry.address ?? m.host,
    category: 'content',
    type: 'csam',
    url: `https://${m.host}/i/${m.path}.jpg`,
    domain: m.host,
    ...(m.entry.hint ? { country_code: m.entry.hint } : {}),
    classification: 'baseline',
    detection_method: 'manual_review',
    media_type: 'image',
    hash_values: { md5: m.md5, sha256: m.sha256 },
    evidence: [],
  });
}
