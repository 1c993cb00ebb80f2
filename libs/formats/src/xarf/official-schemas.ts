import Ajv2020, { type Options } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import contentBase from './schemas/content-base.json';
import contentCsam from './schemas/content-csam.json';
import contentCsem from './schemas/content-csem.json';
import core from './schemas/xarf-core.json';

/** The official schema of each content type Wissel takes, by its `type`. */
export const OFFICIAL_TYPE_SCHEMAS = { csam: contentCsam, csem: contentCsem } as const;

/**
 * An Ajv 2020 instance that knows the vendored official X-ARF v4 schemas (core and
 * content-base are referenced by the type schemas through their `$id`s). Strict mode stays
 * on; only the X-ARF extension keyword `x-recommended` (a requirement-level annotation,
 * nothing to validate) is declared.
 */
export function officialXarfAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: false, ...options });
  ajv.addKeyword({ keyword: 'x-recommended', schemaType: 'boolean' });
  addFormats(ajv, ['date-time', 'uuid', 'email', 'hostname', 'uri', 'ipv4', 'ipv6']);
  ajv.addSchema(core).addSchema(contentBase);
  return ajv;
}
