/**
 * Synthetic referrals for the fault run: the published examples of the three inbound
 * formats (test/fixtures), each with a fresh source id, URLs and hashes of its own, so each
 * is new material. No media, no real URLs: the hosts are .example names.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topics } from '@wissel/messaging';

export interface FaultReferral {
  topic: string;
  format: 'canonical' | 'cybertip' | 'xarf';
  /** sourceRef as the router will store it. */
  system: string;
  id: string;
  value: string;
  /** A resend of an earlier referral (same bytes): must be stored once. */
  duplicate: boolean;
  /** The PDQ hashes it carries (hex), for the check that they are indexed. */
  pdq: string[];
  /** New material whose image is a near duplicate (a PDQ a few bits off) of this earlier referral's. */
  nearDuplicateOf?: { system: string; id: string };
  /** The parsed canonical referral, to submit through the API. */
  canonical?: Record<string, unknown>;
}

/** Bits flipped in a near duplicate's PDQ: well within PDQ_MAX_DISTANCE (31). */
const NEAR_DUPLICATE_BITS = 8;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export class ReferralFactory {
  private readonly canonical: Record<string, unknown> & {
    locators: Array<{ url: string }>;
    media: Array<Record<string, unknown>>;
  };
  private readonly cybertip: string;
  private readonly xarf: Record<string, unknown> & { reporter: { domain: string } };
  private cybertipSeq = 0;

  constructor(
    fixtures: string,
    private readonly topics: Topics,
  ) {
    this.canonical = JSON.parse(
      readFileSync(join(fixtures, 'canonical/iwf-nl-hosted.json'), 'utf8'),
    ) as typeof this.canonical;
    this.cybertip = readFileSync(join(fixtures, 'cybertip/example.xml'), 'utf8');
    this.xarf = JSON.parse(
      readFileSync(join(fixtures, 'xarf/csam-example.json'), 'utf8'),
    ) as typeof this.xarf;
  }

  /**
   * `count` referrals: about 10 % CyberTipline, 10 % X-ARF, the rest canonical. In the second
   * half, about 1 % are near duplicates of a canonical referral of the first half (found
   * only by the PDQ index, which crashes and outages must not leave behind).
   */
  make(count: number, random: () => number, duplicatePercent: number): FaultReferral[] {
    const out: FaultReferral[] = [];
    for (let i = 0; i < count; i++) {
      if (out.length > 10 && random() * 100 < duplicatePercent) {
        const earlier = out[Math.floor(random() * out.length)]!;
        out.push({ ...earlier, duplicate: true });
        continue;
      }
      if (i > count / 2 && random() < 0.01) {
        const original = out[Math.floor(random() * (count / 2))]!;
        if (original.format === 'canonical' && !original.duplicate) {
          out.push(this.makeNearDuplicate(original, random));
          continue;
        }
      }
      const pick = random();
      out.push(
        pick < 0.1 ? this.makeCybertip() : pick < 0.2 ? this.makeXarf() : this.makeCanonical(),
      );
    }
    return out;
  }

  /**
   * New canonical material under `system`; `priority` urgent goes to the urgent lane. The
   * PDQ of each media item is random unless given.
   */
  makeCanonical(
    system = 'IWF',
    priority: 'normal' | 'urgent' = 'normal',
    pdq?: string,
  ): FaultReferral {
    const tag = hex(6);
    const id = `FAULT-${randomUUID()}`;
    const value = {
      ...this.canonical,
      sourceRef: { system, id },
      incident: { ...(this.canonical.incident as object), priority },
      locators: this.canonical.locators.map((l) => ({
        ...l,
        url: `${l.url.split('?')[0]}-${tag}`,
      })),
      media: this.canonical.media.map((m) => ({
        ...m,
        hashes: { md5: hex(16), sha256: hex(32), pdq: pdq ?? hex(32) },
      })),
    };
    const item = this.item('canonical', system, id, JSON.stringify(value));
    return { ...item, pdq: value.media.map((m) => m.hashes.pdq), canonical: value };
  }

  private makeNearDuplicate(original: FaultReferral, random: () => number): FaultReferral {
    const bits = Buffer.from(original.pdq[0]!, 'hex');
    const flipped = new Set<number>();
    while (flipped.size < NEAR_DUPLICATE_BITS) flipped.add(Math.floor(random() * 256));
    for (const bit of flipped) bits[bit >> 3] = bits[bit >> 3]! ^ (1 << (bit & 7));
    return {
      ...this.makeCanonical('IWF', 'normal', bits.toString('hex')),
      nearDuplicateOf: { system: original.system, id: original.id },
    };
  }

  private makeCybertip(): FaultReferral {
    const id = String(900_000_000 + ++this.cybertipSeq);
    const tag = hex(6);
    const pdq = hex(32);
    const value = this.cybertip
      // The envelope's and the file's reportId: one submission names one report.
      .replaceAll(/<reportId>\d+<\/reportId>/g, `<reportId>${id}</reportId>`)
      .replaceAll('/gallery/77/', `/gallery/77-${tag}/`)
      .replace(/hashType="MD5">[0-9a-f]{32}</, `hashType="MD5">${hex(16)}<`)
      // The PDQ in the file's metadata too, or every fault referral would join one case.
      .replace(/<value>[0-9A-Fa-f]{64}<\/value>/, `<value>${pdq}</value>`);
    return { ...this.item('cybertip', 'NCMEC', id, value), pdq: [pdq] };
  }

  private makeXarf(): FaultReferral {
    const id = randomUUID();
    const value = {
      ...this.xarf,
      report_id: id,
      url: `https://cdn-files.example/v/${hex(6)}.mp4`,
      hash_values: { sha1: hex(20) },
    };
    return this.item('xarf', this.xarf.reporter.domain.toLowerCase(), id, JSON.stringify(value));
  }

  private item(
    format: FaultReferral['format'],
    system: string,
    id: string,
    value: string,
  ): FaultReferral {
    const topic = this.topics.inbound.find((t) => t.format === format)!.topic;
    return { topic, format, system, id, value, duplicate: false, pdq: [] };
  }
}
