import { randomUUID } from 'node:crypto';
import { DEMO_PARTNER } from './demo-partner';

const COUNTRIES = ['NL', 'NL', 'DE', 'FR', 'BE', undefined];

/**
 * A synthetic canonical referral for the demo feed. Its hosts are under `.example`
 * (RFC 2606): they never resolve, so no reported URL can be fetched by anyone, and the
 * hashes are random. Hosting comes from the hint, as for any host that does not resolve.
 */
export function demoReferral(n: number): Record<string, unknown> {
  const country = COUNTRIES[n % COUNTRIES.length];
  const host = `img${n % 7}.demo-host-${n % 13}.example`;
  const hex = (bytes: number) =>
    Array.from({ length: bytes * 2 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
  return {
    schema: 'wissel.referral/2',
    source: { kind: 'hotline', organisation: DEMO_PARTNER.name, country: 'NL' },
    sourceRef: { system: DEMO_PARTNER.sourceSystem, id: `DEMO-${randomUUID()}` },
    reportedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    via: [],
    incident: {
      type: 'csam',
      priority: 'normal',
      threatToLife: false,
      detectionMethod: 'manual_review',
    },
    locators: [
      {
        url: `https://${host}/a/${hex(4)}.jpg`,
        kind: 'media_file',
        granularity: 'file',
        siteType: 'image_host',
      },
    ],
    media: [
      {
        locator: 0,
        mediaType: 'image',
        hashes: { sha256: hex(32) },
        classification: { scheme: 'interpol-baseline', value: 'baseline', assessedBy: 'DEMO' },
      },
    ],
    persons: [],
    lawEnforcement: { caseRefs: [] },
    hints: country ? { hostingCountry: country } : {},
  };
}
