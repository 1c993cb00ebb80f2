import { type SubmissionFormat } from '@wissel/pipeline';

// One small, valid body per format for the OpenAPI document (submission-examples.spec.ts
// parses each with its format's parser). Hosts are under .example; hashes are of test strings.

const canonical = {
  schema: 'wissel.referral/2',
  source: { kind: 'hotline', organisation: 'IWF', country: 'GB' },
  sourceRef: { system: 'IWF', id: 'IWF-2026-118204' },
  reportedAt: '2026-11-20T09:41:07Z',
  incident: { type: 'csam', priority: 'normal' },
  locators: [
    {
      url: 'https://img.pics-host.example/a/B7x9.jpg',
      kind: 'media_file',
      hints: { hostingCountry: 'NL', asn: 60781 },
    },
  ],
  media: [
    {
      locator: 0,
      mediaType: 'image',
      hashes: { md5: '9e107d9d372bb6826bd81d3542a419d6' },
      classification: { scheme: 'interpol-baseline', value: 'baseline', assessedBy: 'IWF' },
    },
  ],
};

const xarf = {
  xarf_version: '4.2.0',
  report_id: '5f0f2a7e-3c1b-4e0e-9d6a-2b7c4e1f9a10',
  timestamp: '2026-11-21T07:15:00Z',
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
  source_identifier: '192.0.2.10',
  category: 'content',
  type: 'csam',
  url: 'https://cdn-files.example/v/9931.mp4',
  classification: 'baseline',
  detection_method: 'manual_review',
  evidence: [],
};

// No blank line inside: docs/partner-api.md's worked example reuses it, and its test splits
// the HTTP head from the body at the first blank line.
const cybertip = [
  '<?xml version="1.0" encoding="UTF-8"?>',
  '<cyberTiplineReferral>',
  '  <reportId>182736455</reportId>',
  '  <dateReceived>2026-11-19T21:03:11-05:00</dateReceived>',
  '  <referredCountry>NL</referredCountry>',
  '  <report>',
  '    <incidentSummary>',
  '      <incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>',
  '      <incidentDateTime>2026-11-19T18:44:00-05:00</incidentDateTime>',
  '    </incidentSummary>',
  '    <reporter>',
  '      <reportingPerson><email>safety@esp.example</email></reportingPerson>',
  '    </reporter>',
  '  </report>',
  '  <fileDetails>',
  '    <reportId>182736455</reportId>',
  '    <fileId>f-1</fileId>',
  '    <fileName>IMG_0042.jpg</fileName>',
  '    <locationOfFile>https://pics.example/gallery/77/IMG_0042.jpg</locationOfFile>',
  '    <originalFileHash hashType="MD5">0cc175b9c0f1b6a831c399e269772661</originalFileHash>',
  '  </fileDetails>',
  '</cyberTiplineReferral>',
].join('\n');

const iccam = {
  reportId: 5512009,
  reportingHotlineId: 37,
  hotlineReceivedDate: '2026-11-20T10:02:00Z',
  hotlineReference: 'MKP-2026-0412',
  reportContents: [
    {
      contentId: 901233,
      url: {
        urlString: 'https://files.hoster.example/v/3381.mp4',
        hostingCountryCode: 'DE',
      },
      mediaType: 'Video',
      hashes: { sha1: '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12' },
      assessments: [{ classification: 1, assessmentDate: '2026-11-20T10:05:00Z' }],
    },
  ],
};

/** An example body of each format, as it is sent (objects are sent as JSON). */
export const SUBMISSION_EXAMPLES: Record<SubmissionFormat, object | string> = {
  canonical,
  xarf,
  cybertip,
  iccam,
};

/** The canonical batch example: an array of referrals. */
export const CANONICAL_BATCH_EXAMPLE = [
  canonical,
  { ...canonical, sourceRef: { system: 'IWF', id: 'IWF-2026-118205' } },
];
