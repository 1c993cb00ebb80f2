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
}

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

  /** `count` referrals: about 10 % CyberTipline, 10 % X-ARF, the rest canonical. */
  make(count: number, random: () => number, duplicatePercent: number): FaultReferral[] {
    const out: FaultReferral[] = [];
    for (let i = 0; i < count; i++) {
      if (out.length > 10 && random() * 100 < duplicatePercent) {
        const earlier = out[Math.floor(random() * out.length)]!;
        out.push({ ...earlier, duplicate: true });
        continue;
      }
      const pick = random();
      out.push(
        pick < 0.1 ? this.makeCybertip() : pick < 0.2 ? this.makeXarf() : this.makeCanonical(),
      );
    }
    return out;
  }

  private makeCanonical(): FaultReferral {
    const tag = hex(6);
    const id = `FAULT-${randomUUID()}`;
    const value = {
      ...this.canonical,
      sourceRef: { system: 'IWF', id },
      locators: this.canonical.locators.map((l) => ({
        ...l,
        url: `${l.url.split('?')[0]}-${tag}`,
      })),
      media: this.canonical.media.map((m) => ({
        ...m,
        hashes: { md5: hex(16), sha256: hex(32), pdq: hex(32) },
      })),
    };
    return this.item('canonical', 'IWF', id, JSON.stringify(value));
  }

  private makeCybertip(): FaultReferral {
    const id = String(900_000_000 + ++this.cybertipSeq);
    const tag = hex(6);
    const value = this.cybertip
      // The envelope's and the file's reportId: one submission names one report.
      .replaceAll(/<reportId>\d+<\/reportId>/g, `<reportId>${id}</reportId>`)
      .replaceAll('/gallery/77/', `/gallery/77-${tag}/`)
      .replace(/hashType="MD5">[0-9a-f]{32}</, `hashType="MD5">${hex(16)}<`)
      // The PDQ in the file's metadata too, or every fault referral would join one case.
      .replace(/<value>[0-9A-Fa-f]{64}<\/value>/, `<value>${hex(32)}</value>`);
    return this.item('cybertip', 'NCMEC', id, value);
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
    return { topic, format, system, id, value, duplicate: false };
  }
}
