import { reject, type ParseResult } from '../rejection';
import { attribute, childNames, children, text } from './xml-tree';
import { firstRejection, isXsdDateTime, isXsdLong } from './values';

/**
 * The rules of NCMEC's XSD (cyber_tipline.xsd, vendored in ./schema) that Wissel checks on
 * what it reads: required elements, the incident type enumeration, the value types of ids
 * and times. An accepted report therefore carries everything NCMEC's schema requires.
 * Element order and elements Wissel does not read are not checked: they stay in the raw
 * payload. Every rejection names the element as a JSON Pointer into the document.
 */

/** NCMEC's incidentType enumeration, verbatim. */
export const INCIDENT_TYPES: ReadonlySet<string> = new Set([
  'Child Pornography (possession, manufacture, and distribution)',
  'Child Sex Trafficking',
  'Child Sex Tourism',
  'Child Sexual Molestation',
  'Misleading Domain Name',
  'Misleading Words or Digital Images on the Internet',
  'Online Enticement of Children for Sexual Acts',
  'Unsolicited Obscene Material Sent to a Child',
]);

/** The choice inside <internetDetails>: exactly one of these per element. */
export const INCIDENT_KINDS: ReadonlySet<string> = new Set([
  'webPageIncident',
  'emailIncident',
  'newsgroupIncident',
  'chatImIncident',
  'onlineGamingIncident',
  'cellPhoneIncident',
  'nonInternetIncident',
  'peer2peerIncident',
]);

const missing = (name: string, field: string) =>
  reject('schema_violation', `required element "${name}" is missing`, field);
const repeated = (name: string, field: string) =>
  reject('schema_violation', `element "${name}" must appear only once`, field);

/** An element that must appear exactly once with text; its text. */
export function requiredText(node: unknown, name: string, field: string): ParseResult<string> {
  const found = children(node, name);
  const value = text(found[0]);
  if (value === undefined) return missing(name, field);
  if (found.length > 1) return repeated(name, field);
  return { ok: true, value };
}

/** An element that may appear at most once; its text if any. */
export function optionalText(
  node: unknown,
  name: string,
  field: string,
): ParseResult<string | undefined> {
  const found = children(node, name);
  if (found.length > 1) return repeated(name, field);
  return { ok: true, value: text(found[0]) };
}

/** The XSD's requirements on a <report> whose pointer is `base` ('' or '/report'). */
export function checkReport(report: unknown, base: string): ParseResult<never> | undefined {
  return firstRejection([
    () => checkSummary(report, `${base}/incidentSummary`),
    () => checkBatched(report, `${base}/batchedReport`),
    () => checkInternetDetails(report, `${base}/internetDetails`),
    () => checkReporter(report, `${base}/reporter`),
  ]);
}

function checkSummary(report: unknown, field: string): ParseResult<never> | undefined {
  const summaries = children(report, 'incidentSummary');
  if (summaries.length === 0) return missing('incidentSummary', field);
  if (summaries.length > 1) return repeated('incidentSummary', field);
  const summary = summaries[0];
  const type = requiredText(summary, 'incidentType', `${field}/incidentType`);
  if (!type.ok) return type;
  if (!INCIDENT_TYPES.has(type.value)) {
    return reject(
      'schema_violation',
      "must be one of the incident types of NCMEC's schema",
      `${field}/incidentType`,
    );
  }
  const time = requiredText(summary, 'incidentDateTime', `${field}/incidentDateTime`);
  if (!time.ok) return time;
  if (!isXsdDateTime(time.value)) {
    return reject('schema_violation', 'must be an xs:dateTime', `${field}/incidentDateTime`);
  }
  return undefined;
}

function checkBatched(report: unknown, field: string): ParseResult<never> | undefined {
  const batched = children(report, 'batchedReport');
  if (batched.length > 1) return repeated('batchedReport', field);
  if (batched.length === 1 && attribute(batched[0], 'reason') === undefined) {
    return reject('schema_violation', 'required attribute "reason" is missing', `${field}/reason`);
  }
  return undefined;
}

function checkInternetDetails(report: unknown, field: string): ParseResult<never> | undefined {
  const index = children(report, 'internetDetails').findIndex((details) => {
    const kinds = childNames(details).filter((name) => INCIDENT_KINDS.has(name));
    return kinds.length !== 1 || children(details, kinds[0] ?? '').length !== 1;
  });
  if (index < 0) return undefined;
  return reject(
    'schema_violation',
    'must hold exactly one incident (webPageIncident, emailIncident, chatImIncident, …)',
    `${field}/${index}`,
  );
}

function checkReporter(report: unknown, field: string): ParseResult<never> | undefined {
  const reporters = children(report, 'reporter');
  if (reporters.length === 0) return missing('reporter', field);
  if (reporters.length > 1) return repeated('reporter', field);
  if (children(reporters[0], 'reportingPerson').length !== 1) {
    return missing('reportingPerson', `${field}/reportingPerson`);
  }
  return undefined;
}

/** The XSD's requirements on one <fileDetails> at pointer `field`; its reportId. */
export function checkFileDetails(file: unknown, field: string): ParseResult<string> {
  const reportId = requiredText(file, 'reportId', `${field}/reportId`);
  if (!reportId.ok) return reportId;
  if (!isXsdLong(reportId.value)) {
    return reject('schema_violation', "must be NCMEC's numeric report id", `${field}/reportId`);
  }
  const fileId = requiredText(file, 'fileId', `${field}/fileId`);
  if (!fileId.ok) return fileId;
  const index = children(file, 'originalFileHash').findIndex(
    (hash) => attribute(hash, 'hashType') === undefined,
  );
  if (index >= 0) {
    return reject(
      'schema_violation',
      'required attribute "hashType" is missing',
      `${field}/originalFileHash/${index}/hashType`,
    );
  }
  return { ok: true, value: reportId.value };
}
