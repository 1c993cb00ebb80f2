import { createHash } from 'node:crypto';
import { reject, type ParseResult } from '../rejection';
import { children } from './xml-tree';
import { checkFileDetails, checkReport, optionalText } from './xsd-rules';
import { timestampOf } from './values';

/** Wissel's envelope: NCMEC's report id and receipt time, one <report>, its <fileDetails>. */
export const ENVELOPE_ROOT = 'cyberTiplineReferral';
/** NCMEC's report document, sent bare. */
export const REPORT_ROOT = 'report';
/** NCMEC's file document: in NCMEC's API a separate call, here only inside the envelope. */
export const FILE_DETAILS_ROOT = 'fileDetails';

/** One submission, unwrapped: what the mapper reads. */
export interface Submission {
  report: unknown;
  /** JSON Pointer of the report: '' for a bare report, '/report' in the envelope. */
  reportPath: string;
  files: unknown[];
  /** The idempotency key's id: NCMEC's report id, else a fingerprint of the report. */
  sourceId: string;
  /** NCMEC's report id, when the sender gave it. */
  ncmecReportId?: string;
  /** When the reporting centre received the report (the envelope's dateReceived). */
  receivedAt?: string;
}

/**
 * Unwraps a document by its root element. A bare <fileDetails> is refused with what to do
 * instead: its hashes mean nothing without the report they belong to.
 */
export function readSubmission(rootName: string, root: unknown): ParseResult<Submission> {
  if (rootName === REPORT_ROOT) {
    const invalid = checkReport(root, '');
    if (invalid) return invalid;
    return {
      ok: true,
      value: { report: root, reportPath: '', files: [], sourceId: fingerprint(root) },
    };
  }
  if (rootName === ENVELOPE_ROOT) return readEnvelope(root);
  if (rootName === FILE_DETAILS_ROOT) {
    return reject(
      'unsupported_schema',
      `a <${FILE_DETAILS_ROOT}> document must travel inside a <${ENVELOPE_ROOT}> envelope together with its <${REPORT_ROOT}>`,
      '/',
    );
  }
  return reject(
    'unsupported_schema',
    `the root element must be <${REPORT_ROOT}> (NCMEC's report) or <${ENVELOPE_ROOT}> (Wissel's envelope)`,
    '/',
  );
}

function readEnvelope(root: unknown): ParseResult<Submission> {
  const reportId = optionalText(root, 'reportId', '/reportId');
  if (!reportId.ok) return reportId;
  if (reportId.value !== undefined && !/^[\x21-\x7e]{1,200}$/.test(reportId.value)) {
    return reject(
      'schema_violation',
      'must be 1 to 200 printable ASCII characters without spaces',
      '/reportId',
    );
  }
  const received = optionalText(root, 'dateReceived', '/dateReceived');
  if (!received.ok) return received;
  if (received.value !== undefined && timestampOf(received.value) === undefined) {
    return reject(
      'schema_violation',
      'must be an RFC 3339 date-time with a time zone',
      '/dateReceived',
    );
  }
  const reports = children(root, REPORT_ROOT);
  if (reports.length !== 1) {
    return reject(
      'schema_violation',
      `the envelope must hold exactly one <${REPORT_ROOT}>`,
      `/${REPORT_ROOT}`,
    );
  }
  const report = reports[0];
  const invalid = checkReport(report, '/report');
  if (invalid) return invalid;
  const files = children(root, FILE_DETAILS_ROOT);
  const fileReportId = sameReport(files);
  if (!fileReportId.ok) return fileReportId;
  const ncmecReportId =
    fileReportId.value ?? (isNcmecId(reportId.value) ? reportId.value : undefined);
  const sourceId = reportId.value ?? ncmecReportId ?? fingerprint(report);
  return {
    ok: true,
    value: {
      report,
      reportPath: '/report',
      files,
      sourceId,
      ...(ncmecReportId !== undefined ? { ncmecReportId } : {}),
      ...(received.value !== undefined ? { receivedAt: received.value } : {}),
    },
  };
}

/**
 * Every file must name the same report: files of two reports in one envelope cannot all
 * belong to this referral. Their reportId is NCMEC's; the envelope's may be the sender's.
 */
function sameReport(files: unknown[]): ParseResult<string | undefined> {
  let first: string | undefined;
  for (const [i, file] of files.entries()) {
    const checked = checkFileDetails(file, `/${FILE_DETAILS_ROOT}/${i}`);
    if (!checked.ok) return checked;
    first ??= checked.value;
    if (checked.value !== first) {
      return reject(
        'schema_violation',
        'names another report than the first fileDetails: every fileDetails must carry the same reportId',
        `/${FILE_DETAILS_ROOT}/${i}/reportId`,
      );
    }
  }
  return { ok: true, value: first };
}

function isNcmecId(id: string | undefined): id is string {
  return id !== undefined && /^[0-9]{1,19}$/.test(id);
}

/**
 * The id of a report that carries no report id (NCMEC's <report> has none: NCMEC assigns
 * it on receipt): SHA-256 over the parsed report, its elements, attributes and trimmed text
 * in document order. The same report sent again, even re-indented or with other comments,
 * has the same id and is a duplicate; any changed value makes it a new report.
 */
function fingerprint(report: unknown): string {
  return `sha256:${createHash('sha256').update(JSON.stringify(report), 'utf8').digest('hex')}`;
}
