/** The formats Wissel's partner API takes, each under the Content-Type that names it. */
export const SUBMISSION_CONTENT_TYPES = {
  canonical: 'application/json',
  xarf: 'application/vnd.xarf+json',
  cybertip: 'application/xml',
  iccam: 'application/vnd.iccam.report+json',
} as const;

export type SubmissionFormatName = keyof typeof SUBMISSION_CONTENT_TYPES;

export function isSubmissionFormat(name: string): name is SubmissionFormatName {
  return Object.hasOwn(SUBMISSION_CONTENT_TYPES, name);
}

/**
 * The Content-Type for a body whose format was not said: XML (by a `.xml` file name or a
 * leading `<`) is a CyberTipline report; a JSON object with `xarf_version` is X-ARF, one
 * with `reportContents` an ICCAM report; anything else is canonical JSON. A guess for
 * convenience only: Wissel validates the body against the format the type names.
 */
export function guessContentType(body: Buffer | string, fileName?: string): string {
  if (fileName !== undefined && /\.xml$/i.test(fileName)) return SUBMISSION_CONTENT_TYPES.cybertip;
  const text = (typeof body === 'string' ? body : body.toString('utf8')).replace(/^\uFEFF/, '');
  if (text.trimStart().startsWith('<')) return SUBMISSION_CONTENT_TYPES.cybertip;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return SUBMISSION_CONTENT_TYPES.canonical;
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    if ('xarf_version' in parsed) return SUBMISSION_CONTENT_TYPES.xarf;
    if ('reportContents' in parsed) return SUBMISSION_CONTENT_TYPES.iccam;
  }
  return SUBMISSION_CONTENT_TYPES.canonical;
}
