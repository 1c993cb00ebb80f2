import { isIP } from 'node:net';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  PSEUDO_COUNTRY_CODES,
  REFERRAL_SCHEMA,
  type Account,
  type CanonicalReferral,
  type Channel,
  type Incident,
  type IpEvent,
  type Locator,
  type Media,
  type MediaHashes,
  type Person,
} from '@wissel/domain';
import { reject, type ParseResult } from '../rejection';
import { attribute, child, childNames, children, childText, has, text } from './xml-tree';

/**
 * Maps a parsed CyberTipline-style referral onto the canonical referral. Pure: the result
 * still has to pass `validateCanonicalReferral`, which judges URLs, hashes and lengths.
 * Optional signals that cannot be used (an invalid IP, a date without a time zone, a
 * pseudo country code) are dropped rather than rejecting the whole report.
 */

export const CYBERTIP_ROOT = 'cyberTiplineReferral';

const SYSTEM = 'NCMEC';

// The same formats as the canonical schema, so a value kept here is never one that the
// canonical validator then refuses.
const formats = new Ajv2020({ strict: true });
addFormats(formats, ['date-time', 'ipv4', 'ipv6']);
const isTimestamp = formats.compile<string>({ type: 'string', format: 'date-time' });
const isIpFormat = formats.compile<string>({
  anyOf: [
    { type: 'string', format: 'ipv4' },
    { type: 'string', format: 'ipv6' },
  ],
});

const CHANNELS: ReadonlyMap<string, Channel> = new Map([
  ['webPageIncident', 'web'],
  ['emailIncident', 'email'],
  ['chatImIncident', 'chat'],
  ['peer2peerIncident', 'p2p'],
]);

const HASH_TYPES: ReadonlyMap<string, keyof MediaHashes> = new Map([
  ['md5', 'md5'],
  ['sha1', 'sha1'],
  ['sha-1', 'sha1'],
  ['sha256', 'sha256'],
  ['sha-256', 'sha256'],
  ['photodna', 'photodna'],
]);

const INDUSTRY_CLASSES: ReadonlySet<string> = new Set(['A1', 'A2', 'B1', 'B2']);

export function mapCyberTipReferral(root: unknown): ParseResult<CanonicalReferral> {
  const reportId = single(root, 'reportId');
  if (!reportId.ok) return reportId;
  const dateReceived = single(root, 'dateReceived');
  if (!dateReceived.ok) return dateReceived;
  if (!isTimestamp(dateReceived.value)) {
    return reject(
      'schema_violation',
      'must be an RFC 3339 date-time with a time zone',
      '/dateReceived',
    );
  }
  const report = child(root, 'report');
  const summary = child(report, 'incidentSummary');
  const incidentType = childText(summary, 'incidentType');
  if (incidentType === undefined) {
    return reject(
      'schema_violation',
      'required element "incidentType" is missing',
      '/report/incidentSummary/incidentType',
    );
  }

  const { locators, media } = locatorsAndMedia(report, children(root, 'fileDetails'));
  const lawEnforcement = lawEnforcementOf(report);
  // referredCountry (where the centre sent the report) is deliberately not mapped, not
  // even as a hint: investigation routing (W5) is derived from `persons`.
  const referral: CanonicalReferral = {
    schema: REFERRAL_SCHEMA,
    source: { kind: 'reporting_centre', organisation: 'NCMEC CyberTipline', country: 'US' },
    sourceRef: { system: SYSTEM, id: reportId.value },
    reportedAt: dateReceived.value,
    via: [],
    incident: incidentOf(root, report, incidentType, reportId.value, locators.length > 0),
    locators,
    media,
    persons: personsOf(root, report),
    ...(lawEnforcement ? { lawEnforcement } : {}),
  };
  return { ok: true, value: referral };
}

/** A required element that must appear exactly once: it is the idempotency key or time. */
function single(node: unknown, name: string): ParseResult<string> {
  const found = children(node, name);
  const value = text(found[0]);
  if (value === undefined) {
    return reject('schema_violation', `required element "${name}" is missing`, `/${name}`);
  }
  if (found.length > 1) {
    return reject('schema_violation', `element "${name}" must appear only once`, `/${name}`);
  }
  return { ok: true, value };
}

function incidentOf(
  root: unknown,
  report: unknown,
  incidentType: string,
  reportId: string,
  hasUrl: boolean,
): Incident {
  const summary = child(report, 'incidentSummary');
  return compact<Incident>({
    type: isCsam(incidentType) ? 'csam' : 'csem',
    // Presence is the signal: the element's text is the reason, not a flag.
    priority: has(summary, 'escalateToHighPriority') ? 'urgent' : 'normal',
    // No URL anywhere (chat, e-mail, peer-to-peer): nothing to remove, police only.
    policeOnly: !hasUrl,
    channels: channelsOf(report),
    occurredAt: timestampOf(childText(summary, 'incidentDateTime')),
    batched: batchedOf(child(report, 'batchedReport') ?? child(root, 'batchedReport')),
    externalRefs: [{ system: SYSTEM, id: reportId }],
  });
}

/** "Child Pornography (possession, …)" and its newer name; everything else is exploitation. */
function isCsam(incidentType: string): boolean {
  return /^child (pornography|sexual abuse material)/i.test(incidentType);
}

function channelsOf(report: unknown): Channel[] {
  const names = children(report, 'internetDetails').flatMap(childNames);
  return [...new Set(names.map((name) => CHANNELS.get(name) ?? 'other'))];
}

/** One referral for many incidents of the same material: routed once, never split. */
function batchedOf(node: unknown): Incident['batched'] {
  if (node === undefined) return undefined;
  const reason = attribute(node, 'reason') ?? childText(node, 'reason');
  const count = attribute(node, 'incidentCount') ?? childText(node, 'incidentCount');
  const incidentCount =
    count !== undefined && /^[1-9][0-9]{0,8}$/.test(count) ? Number(count) : undefined;
  // Cast: a missing reason is left out on purpose, for the canonical validator to name.
  return compact({ reason, incidentCount }) as NonNullable<Incident['batched']>;
}

/**
 * Removal signals: one page locator per reported web page URL, one file locator per file
 * with a location. Media point at their file's locator by index. The uploader's IP never
 * becomes an observedIp: it says who uploaded, not where the material is hosted.
 */
function locatorsAndMedia(
  report: unknown,
  files: unknown[],
): { locators: Locator[]; media: Media[] } {
  const locators = webPageLocators(report);
  const media: Media[] = [];
  for (const file of files) {
    const locator = fileLocator(file);
    if (locator) locators.push(locator);
    const item = mediaOf(file, locator ? locators.length - 1 : undefined);
    if (item) media.push(item);
  }
  return { locators, media };
}

function webPageLocators(report: unknown): Locator[] {
  const pages = children(report, 'internetDetails').flatMap((details) =>
    children(details, 'webPageIncident'),
  );
  return pages.flatMap((page) => {
    const thirdPartyHosted = booleanOf(
      attribute(page, 'thirdPartyHostedContent') ?? childText(page, 'thirdPartyHostedContent'),
    );
    return textsOf(children(page, 'url')).map((url) =>
      compact<Locator>({ kind: 'web_page', granularity: 'page', url, thirdPartyHosted }),
    );
  });
}

function fileLocator(file: unknown): Locator | undefined {
  const url = childText(file, 'locationOfFile');
  if (url === undefined) return undefined;
  const publiclyAvailable = booleanOf(childText(file, 'publiclyAvailable'));
  return compact<Locator>({ kind: 'media_file', granularity: 'file', url, publiclyAvailable });
}

function mediaOf(file: unknown, locator: number | undefined): Media | undefined {
  const hashes = hashesOf(children(file, 'originalFileHash'));
  if (Object.keys(hashes).length === 0) return undefined;
  const value = childText(file, 'industryClassification')?.toUpperCase();
  const classification =
    value !== undefined && INDUSTRY_CLASSES.has(value) ? { scheme: 'industry', value } : undefined;
  return compact<Media>({ locator, fileName: childText(file, 'fileName'), hashes, classification });
}

/**
 * Known hash types only; the first of each type wins. Hex is lower-cased but its length
 * is not checked here: a wrong length must reach the validator and be rejected, not be
 * silently dropped (a hash that matches nothing would hide the material).
 */
function hashesOf(nodes: unknown[]): MediaHashes {
  const hashes: MediaHashes = {};
  for (const node of nodes) {
    const key = HASH_TYPES.get(attribute(node, 'hashType')?.toLowerCase() ?? '');
    const value = text(node);
    if (key === undefined || value === undefined || hashes[key] !== undefined) continue;
    hashes[key] = key === 'photodna' ? value : value.toLowerCase();
  }
  return hashes;
}

/**
 * Investigation signals: each reported person is an uploader with their accounts, IP
 * events and estimated country; the upload IPs of the files join the first uploader;
 * a victim's estimated location is kept too.
 */
function personsOf(root: unknown, report: unknown): Person[] {
  const platform = childText(child(report, 'incidentSummary'), 'platform');
  const uploaders = children(report, 'personOrUserReported').map((node) =>
    uploaderOf(node, platform),
  );
  const fileEvents = children(root, 'fileDetails').flatMap((file) =>
    ipEventsOf(children(file, 'ipCaptureEvent')),
  );
  if (fileEvents.length > 0) {
    // A file's upload IP belongs to whoever uploaded it: the first reported person.
    uploaders[0] = withIpEvents(uploaders[0] ?? { role: 'uploader' }, fileEvents);
  }
  return [...uploaders, ...children(report, 'victim').map(victimOf)];
}

function uploaderOf(node: unknown, platform: string | undefined): Person {
  const account = compact<Account>({
    service: childText(node, 'espService') ?? platform,
    id: childText(node, 'espIdentifier'),
    screenName: childText(node, 'screenName'),
    email: emailOf(node),
  });
  // A service name alone identifies nobody.
  const identifies = account.id ?? account.screenName ?? account.email;
  return compact<Person>({
    role: 'uploader',
    accounts: identifies !== undefined ? [account] : undefined,
    ipEvents: uniqueIpEvents(ipEventsOf(children(node, 'ipCaptureEvent'))),
    estimatedCountry: estimatedCountryOf(node),
    priorReports: textsOf(children(node, 'priorCTReports')),
  });
}

function victimOf(node: unknown): Person {
  return compact<Person>({ role: 'victim', estimatedCountry: estimatedCountryOf(node) });
}

function emailOf(node: unknown): string | undefined {
  const person = child(node, 'personOrUserReportedPerson');
  return textsOf([...children(person, 'email'), ...children(node, 'email')])[0];
}

function estimatedCountryOf(node: unknown): string | undefined {
  return countryOf(childText(child(node, 'estimatedLocation'), 'countryCode'));
}

function withIpEvents(person: Person, events: IpEvent[]): Person {
  const ipEvents = uniqueIpEvents([...(person.ipEvents ?? []), ...events]);
  return compact<Person>({ ...person, ipEvents });
}

/** An event with an unusable IP is dropped; the rest of the report still counts. */
function ipEventsOf(nodes: unknown[]): IpEvent[] {
  return nodes.flatMap((node) => {
    const ip = childText(node, 'ipAddress');
    if (ip === undefined || !isIpAddress(ip)) return [];
    return [
      compact<IpEvent>({
        ip,
        event: childText(node, 'eventName'),
        at: timestampOf(childText(node, 'dateTime')),
        possibleProxy: booleanOf(childText(node, 'possibleProxy')),
      }),
    ];
  });
}

/** The same capture is often reported on the person and on the file: keep it once. */
function uniqueIpEvents(events: IpEvent[]): IpEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    const key = `${event.ip} ${event.at ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Cases police already hold (deconfliction) and the countries of foreign agencies. */
function lawEnforcementOf(report: unknown): CanonicalReferral['lawEnforcement'] {
  const agencies = children(report, 'lawEnforcement');
  const caseRefs = textsOf(agencies.flatMap((agency) => children(agency, 'caseNumber')));
  const countries = [...new Set(agencies.flatMap(agencyCountries))];
  if (caseRefs.length === 0 && countries.length === 0) return undefined;
  return countries.length > 0 ? { caseRefs, countries } : { caseRefs };
}

function agencyCountries(agency: unknown): string[] {
  const processes = children(agency, 'servedLegalProcessInternational').filter(
    (served) => booleanOf(text(served)) !== false,
  );
  const codes = [
    attribute(agency, 'fleaCountry'),
    ...processes.flatMap((served) => [
      attribute(served, 'fleaCountry'),
      childText(served, 'fleaCountry'),
    ]),
  ];
  return codes.map(countryOf).filter(isDefined);
}

/**
 * An ISO 3166-1 alpha-2 code, upper-cased, or undefined. The legacy pseudo-codes are
 * never a country. ASCII is checked before upper-casing: "ß" upper-cases to "SS".
 */
function countryOf(value: string | undefined): string | undefined {
  if (value === undefined || !/^[A-Za-z]{2}$/.test(value)) return undefined;
  const code = value.toUpperCase();
  return PSEUDO_COUNTRY_CODES.has(code) ? undefined : code;
}

function isIpAddress(value: string): boolean {
  return isIP(value) !== 0 && isIpFormat(value);
}

/** Only timestamps with a time zone: a local time cannot be placed on the timeline. */
function timestampOf(value: string | undefined): string | undefined {
  return value !== undefined && isTimestamp(value) ? value : undefined;
}

function booleanOf(value: string | undefined): boolean | undefined {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

function textsOf(nodes: unknown[]): string[] {
  return nodes.map(text).filter(isDefined);
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Drops undefined fields and empty lists: the canonical schema refuses the former. */
function compact<T extends object>(value: T): T {
  const kept = Object.entries(value).filter(
    ([, field]) => field !== undefined && !(Array.isArray(field) && field.length === 0),
  );
  return Object.fromEntries(kept) as T;
}
