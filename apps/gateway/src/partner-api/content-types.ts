import { UnsupportedMediaTypeError, type SubmissionFormat } from '@wissel/pipeline';

/** Request media types the partner API takes, and the format each carries. */
export const SUBMISSION_MEDIA_TYPES: Record<string, SubmissionFormat> = {
  'application/json': 'canonical',
  'application/vnd.wissel.referral+json': 'canonical',
  // X-ARF has no registered media type; a vendor-tree name keeps it apart from canonical.
  'application/vnd.xarf+json': 'xarf',
  // CyberTipline reports are XML; both of RFC 7303's names for it are taken.
  'application/xml': 'cybertip',
  'text/xml': 'cybertip',
  // Neither has ICCAM; a vendor-tree name, as for X-ARF.
  'application/vnd.iccam.report+json': 'iccam',
};

// The parsers read UTF-8 only; a body declared in another charset is refused here, by name,
// rather than read as UTF-8 and mistaken.
const UTF8_CHARSETS = new Set(['utf-8', 'utf8']);

/** The format of a body by its Content-Type; the one parameter heeded is charset (UTF-8 only). */
export function formatOf(contentType: string | undefined): SubmissionFormat {
  const [type = '', ...parameters] = (contentType ?? '').split(';');
  const mediaType = type.trim().toLowerCase();
  const format = SUBMISSION_MEDIA_TYPES[mediaType];
  if (!format) {
    throw new UnsupportedMediaTypeError(
      'unsupported_media_type',
      `Content-Type must be one of: ${Object.keys(SUBMISSION_MEDIA_TYPES).join(', ')}`,
    );
  }
  const charset = charsetOf(parameters);
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) {
    throw new UnsupportedMediaTypeError(
      'unsupported_media_type',
      'the body must be UTF-8: send charset=utf-8 or no charset parameter',
    );
  }
  return format;
}

function charsetOf(parameters: string[]): string | undefined {
  for (const parameter of parameters) {
    const eq = parameter.indexOf('=');
    if (eq < 0 || parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    return parameter
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
}
