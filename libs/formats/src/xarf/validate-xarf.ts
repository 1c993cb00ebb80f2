import { type ValidateFunction } from 'ajv';
import { reject, type ParseResult } from '../rejection';
import { schemaViolation } from '../schema-violation';
import { unstorableField } from '../unstorable-field';
import { officialXarfAjv, OFFICIAL_TYPE_SCHEMAS } from './official-schemas';
import limitsSchema from './xarf-limits.schema.json';
import { type XarfContentReport } from './xarf-report';

const ajv = officialXarfAjv();
const official: Record<XarfContentReport['type'], ValidateFunction> = {
  csam: ajv.compile(OFFICIAL_TYPE_SCHEMAS.csam),
  csem: ajv.compile(OFFICIAL_TYPE_SCHEMAS.csem),
};
const limits = ajv.compile(limitsSchema);

/** The X-ARF versions whose schemas Wissel holds: 4.0.0 to 4.2.x. */
const SUPPORTED_VERSION = /^4\.[012]\.[0-9]+$/;
/** `tags` before 4.2.0 (the only rule the older schemas had stricter: see schemas/README.md). */
const TAG_BEFORE_4_2 = /^[a-z0-9_]+:[a-z0-9_]+$/;

/**
 * Checks a decoded JSON object as an X-ARF v4 content report of type csam or csem: the
 * official schemas first, then Wissel's bounds on the fields it maps. Rejections name the
 * field as a JSON Pointer into the report and never repeat its value.
 */
export function validateXarfReport(
  document: Record<string, unknown>,
): ParseResult<XarfContentReport> {
  if (document.Version !== undefined && document.xarf_version === undefined) {
    return reject('unsupported_schema', 'X-ARF v3 is not accepted: send X-ARF v4', '/Version');
  }
  for (const field of ['category', 'type'] as const) {
    if (document[field] === undefined) {
      return reject('schema_violation', `required property "${field}" is missing`, `/${field}`);
    }
  }
  const type = document.type;
  if (document.category !== 'content' || (type !== 'csam' && type !== 'csem')) {
    return reject(
      'unsupported_schema',
      'only X-ARF v4 category "content", type "csam" or "csem" is accepted',
      '/type',
    );
  }
  const version = document.xarf_version;
  if (typeof version === 'string' && /^[0-9]+\.[0-9]+\.[0-9]+$/.test(version)) {
    if (!SUPPORTED_VERSION.test(version)) {
      return reject(
        'unsupported_schema',
        'xarf_version must be 4.0.0 to 4.2.x, the X-ARF versions Wissel validates',
        '/xarf_version',
      );
    }
  }
  const validate = official[type];
  if (!validate(document)) return schemaViolation(validate.errors, `X-ARF v4 content-${type}`);
  if (!limits(document)) return schemaViolation(limits.errors, 'Wissel’s X-ARF bounds');
  return olderTags(document) ?? unstorableField(document) ?? { ok: true, value: document as never };
}

function olderTags(document: Record<string, unknown>): ParseResult<never> | undefined {
  if (!/^4\.[01]\./.test(String(document.xarf_version))) return undefined;
  const tags = (document.tags ?? []) as string[];
  const index = tags.findIndex((tag) => !TAG_BEFORE_4_2.test(tag));
  if (index < 0) return undefined;
  return reject(
    'schema_violation',
    'has a value of the wrong form for X-ARF 4.0/4.1 (namespace:value, a-z 0-9 _)',
    `/tags/${index}`,
  );
}
