import { type MediaTypeObject, type OpenAPIObject, type RequestBodyObject } from '@nestjs/swagger';
import { type SubmissionFormat } from '@wissel/pipeline';
import { SUBMISSION_MEDIA_TYPES } from './content-types';
import { CANONICAL_BATCH_EXAMPLE, SUBMISSION_EXAMPLES } from './submission-examples';

const CANONICAL: MediaTypeObject = {
  schema: {
    oneOf: [
      {
        type: 'object',
        description: 'One canonical referral (wissel.referral/2; wissel.referral/1 is still read)',
      },
      {
        type: 'array',
        items: { type: 'object' },
        description: 'A batch of canonical referrals, at most MAX_BATCH_REFERRALS',
      },
    ],
  },
  examples: {
    single: { summary: 'one referral', value: SUBMISSION_EXAMPLES.canonical },
    batch: { summary: 'a batch', value: CANONICAL_BATCH_EXAMPLE },
  },
};

const CYBERTIP: MediaTypeObject = {
  schema: {
    type: 'string',
    description:
      'One CyberTipline referral as XML, UTF-8. No DTD or entity declarations; nesting and node count are bounded. Submitted under source system NCMEC.',
  },
  example: SUBMISSION_EXAMPLES.cybertip,
};

/** What each format's body is, by media type. */
const CONTENT_OF: Record<SubmissionFormat, MediaTypeObject> = {
  canonical: CANONICAL,
  xarf: {
    schema: { type: 'object', description: 'One X-ARF v4 content report' },
    example: SUBMISSION_EXAMPLES.xarf,
  },
  cybertip: CYBERTIP,
  iccam: {
    schema: { type: 'object', description: 'One ICCAM v3 report with its content items' },
    example: SUBMISSION_EXAMPLES.iccam,
  },
};

/**
 * The request body of POST /v1/referrals, one entry per media type with its own schema and
 * example. Swagger's decorators give every media type of an operation the same schema, so
 * the document is completed here instead.
 */
export function documentSubmissionBody(document: OpenAPIObject): OpenAPIObject {
  const submit = document.paths['/v1/referrals']?.post;
  if (!submit) throw new Error('POST /v1/referrals is missing from the OpenAPI document');
  const requestBody: RequestBodyObject = {
    required: true,
    description:
      'The Content-Type names the format. Sent on byte for byte as signed; every referral in it is validated before anything is stored.',
    content: Object.fromEntries(
      Object.entries(SUBMISSION_MEDIA_TYPES).map(([mediaType, format]) => [
        mediaType,
        CONTENT_OF[format],
      ]),
    ),
  };
  submit.requestBody = requestBody;
  return document;
}
