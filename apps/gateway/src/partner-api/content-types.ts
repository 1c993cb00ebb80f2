import { UnsupportedMediaTypeError, type SubmissionFormat } from '@wissel/pipeline';

/** Request media types the partner API takes, and the format each carries. */
export const SUBMISSION_MEDIA_TYPES: Record<string, SubmissionFormat> = {
  'application/json': 'canonical',
  'application/vnd.wissel.referral+json': 'canonical',
  // X-ARF has no registered media type; a vendor-tree name keeps it apart from canonical.
  'application/vnd.xarf+json': 'xarf',
};

/** The format of a body by its Content-Type (parameters such as charset=utf-8 ignored). */
export function formatOf(contentType: string | undefined): SubmissionFormat {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const format = SUBMISSION_MEDIA_TYPES[mediaType];
  if (!format) {
    throw new UnsupportedMediaTypeError(
      'unsupported_media_type',
      `Content-Type must be one of: ${Object.keys(SUBMISSION_MEDIA_TYPES).join(', ')}`,
    );
  }
  return format;
}
