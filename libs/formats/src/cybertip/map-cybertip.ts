import {
  REFERRAL_SCHEMA,
  type CanonicalReferral,
  type Channel,
  type Incident,
  type Locator,
  type Media,
} from '@wissel/domain';
import { reject, type ParseResult } from '../rejection';
import { type Submission } from './envelope';
import { fileLocation, fileLocatorFields, mediaOf } from './map-files';
import { accountSuspended, personsOf, profileUrlsOf } from './map-persons';
import { comparable, readUrl, schemeAssumedTag, urlDroppedTag } from './urls';
import { attribute, child, childNames, children, childText, has, text } from './xml-tree';
import { booleanOf, compact, countryOf, isDefined, textsOf, timestampOf } from './values';
import { INCIDENT_KINDS } from './xsd-rules';

/**
 * Maps one CyberTipline submission (NCMEC's <report> and its <fileDetails>) onto the
 * canonical referral. Pure: the result still has to pass `validateCanonicalReferral`.
 * docs/formats/cybertip.md lists every element and the field it maps to.
 */

const SYSTEM = 'NCMEC';
const MAX_TAGS = 50;

const CHANNELS: ReadonlyMap<string, Channel> = new Map([
  ['webPageIncident', 'web'],
  ['emailIncident', 'email'],
  ['chatImIncident', 'chat'],
  ['peer2peerIncident', 'p2p'],
]);

const CSAM = 'Child Pornography (possession, manufacture, and distribution)';

const REPORT_ANNOTATIONS = [
  'sextortion',
  'csamSolicitation',
  'minorToMinorInteraction',
  'spam',
  'sadisticOnlineExploitation',
];

/** A URL in the document, with where it is (a JSON Pointer) for notes and rejections. */
interface SourcedUrl {
  raw: string;
  field: string;
}

export function mapCyberTipReferral(submission: Submission): ParseResult<CanonicalReferral> {
  const { report, reportPath, files } = submission;
  const summary = child(report, 'incidentSummary');
  const incidentType = childText(summary, 'incidentType') ?? '';
  const reportedAt = submission.receivedAt ?? timestampOf(childText(summary, 'incidentDateTime'));
  if (reportedAt === undefined) {
    return reject(
      'schema_violation',
      'needs a time zone when the envelope gives no dateReceived',
      `${reportPath}/incidentSummary/incidentDateTime`,
    );
  }
  const notes: string[] = [];
  const profiles = new Set(profileUrlsOf(report).map(comparable).filter(isDefined));
  const locators: Locator[] = [];
  const dropped: string[] = [];
  const addLocator = (url: SourcedUrl, fields: Omit<Locator, 'url'>): number | undefined => {
    const reading = readUrl(url.raw);
    if (!reading.ok) {
      notes.push(urlDroppedTag(url.field));
      dropped.push(url.field);
      return undefined;
    }
    if (reading.schemeAssumed) notes.push(schemeAssumedTag(url.field));
    locators.push(compact<Locator>({ url: reading.url, ...fields }));
    return locators.length - 1;
  };

  for (const page of webPages(report, reportPath)) {
    // The reported user's own profile page is an investigation fact (persons[].accounts),
    // not something to take down.
    const key = comparable(page.url.raw);
    if (key !== undefined && profiles.has(key)) continue;
    addLocator(page.url, {
      kind: 'web_page',
      granularity: 'page',
      thirdPartyHosted: page.thirdParty,
    });
  }
  const media: Media[] = [];
  files.forEach((file, i) => {
    const location = fileLocation(file);
    const locator =
      location === undefined
        ? undefined
        : addLocator(
            { raw: location, field: `/fileDetails/${i}/locationOfFile` },
            { kind: 'media_file', granularity: 'file', ...fileLocatorFields(file) },
          );
    const item = mediaOf(file, locator);
    if (item) media.push(item);
  });

  const persons = personsOf(report, files);
  // Nothing left to route on: the URLs were the only signal and none is usable.
  const firstDropped = dropped[0];
  if (firstDropped !== undefined && locators.length === 0 && !routesOnPersons(persons)) {
    return reject('schema_violation', 'is not a usable http(s) URL', firstDropped);
  }

  const lawEnforcement = lawEnforcementOf(report);
  const referral: CanonicalReferral = {
    schema: REFERRAL_SCHEMA,
    source: { kind: 'reporting_centre', organisation: 'NCMEC CyberTipline', country: 'US' },
    sourceRef: { system: SYSTEM, id: submission.sourceId },
    reportedAt,
    via: [],
    incident: compact<Incident>({
      type: incidentType === CSAM ? 'csam' : 'csem',
      exploitationType: incidentType,
      // Presence is the signal: the element's text is the reason, and an empty one must not
      // quietly demote a report the provider meant to escalate.
      priority: has(summary, 'escalateToHighPriority') ? 'urgent' : 'normal',
      // No removable URL (chat, e-mail, phone, offline, peer-to-peer): police only.
      policeOnly: locators.length === 0,
      channels: channelsOf(report),
      occurredAt: timestampOf(childText(summary, 'incidentDateTime')),
      platform: childText(summary, 'platform'),
      batched: batchedOf(child(report, 'batchedReport')),
      externalRefs:
        submission.ncmecReportId !== undefined
          ? [{ system: SYSTEM, id: submission.ncmecReportId }]
          : undefined,
      reportedTo: reportedToOf(report),
      accountSuspended: accountSuspended(report),
      tags: [...annotationsOf(summary), ...notes].slice(0, MAX_TAGS),
    }),
    locators,
    media,
    persons,
    ...(lawEnforcement ? { lawEnforcement } : {}),
  };
  return { ok: true, value: referral };
}

function routesOnPersons(persons: CanonicalReferral['persons']): boolean {
  return persons.some((p) => (p.ipEvents ?? []).length > 0 || p.estimatedCountry !== undefined);
}

function webPages(
  report: unknown,
  reportPath: string,
): Array<{ url: SourcedUrl; thirdParty: boolean | undefined }> {
  return children(report, 'internetDetails').flatMap((details, i) =>
    children(details, 'webPageIncident').flatMap((page) => {
      const thirdParty = booleanOf(attribute(page, 'thirdPartyHostedContent'));
      return children(page, 'url').flatMap((node, j) => {
        const raw = text(node);
        if (raw === undefined) return [];
        const field = `${reportPath}/internetDetails/${i}/webPageIncident/url/${j}`;
        return [{ url: { raw, field }, thirdParty }];
      });
    }),
  );
}

function channelsOf(report: unknown): Channel[] {
  const kinds = children(report, 'internetDetails')
    .flatMap(childNames)
    .filter((name) => INCIDENT_KINDS.has(name));
  return [...new Set(kinds.map((name) => CHANNELS.get(name) ?? 'other'))];
}

/** One referral for many incidents of the same material (a viral meme): routed once. */
function batchedOf(node: unknown): Incident['batched'] {
  const reason = attribute(node, 'reason');
  return reason === undefined ? undefined : { reason };
}

/** NCMEC's report annotations (sextortion, …): an element there is a yes. */
function annotationsOf(summary: unknown): string[] {
  const annotations = child(summary, 'reportAnnotations');
  return REPORT_ANNOTATIONS.filter(
    (name) => has(annotations, name) && booleanOf(childText(annotations, name)) !== false,
  );
}

/** The agency the provider itself reported to (reportedToLe). */
function reportedToOf(report: unknown): string[] | undefined {
  const agency = child(report, 'lawEnforcement');
  if (booleanOf(childText(agency, 'reportedToLe')) !== true) return undefined;
  return [childText(agency, 'agencyName') ?? 'law enforcement'];
}

/**
 * Cases police already hold (deconfliction): the case number, and the countries whose
 * police served legal process: the US for domestic process (NCMEC is American), the
 * fleaCountry for international process.
 */
function lawEnforcementOf(report: unknown): CanonicalReferral['lawEnforcement'] {
  const agencies = children(report, 'lawEnforcement');
  const caseRefs = textsOf(agencies.flatMap((agency) => children(agency, 'caseNumber')));
  const countries = agencies.flatMap((agency) => {
    const domestic = booleanOf(childText(agency, 'servedLegalProcessDomestic')) ? ['US'] : [];
    const international = children(agency, 'servedLegalProcessInternational')
      .filter((served) => booleanOf(text(served)) !== false)
      .map((served) => countryOf(attribute(served, 'fleaCountry')))
      .filter(isDefined);
    return [...domestic, ...international];
  });
  if (caseRefs.length === 0 && countries.length === 0) return undefined;
  const unique = [...new Set(countries)];
  return unique.length > 0 ? { caseRefs, countries: unique } : { caseRefs };
}
