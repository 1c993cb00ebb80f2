/**
 * The hostile-input corpus (test/fixtures/hostile): every case with the dead-letter code
 * and field it must produce. Files hold the small cases; the large ones (over the size
 * limit, nested beyond any parser's stack) are generated here rather than committed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type InboundFormat } from '../../libs/formats/src/format-parser';

export interface HostileCase {
  name: string;
  format: InboundFormat;
  payload: Buffer;
  code: string;
  field?: string;
}

const dir = join(__dirname, '../fixtures/hostile');

/** The corpus, for a size limit of `maxBytes` (the apps' MAX_MESSAGE_BYTES). */
export function hostileCorpus(maxBytes: number): HostileCase[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    cases: Array<{ file: string; format: InboundFormat; code: string; field?: string }>;
  };
  const fromFiles = manifest.cases.map((c) => ({
    name: c.file,
    format: c.format,
    payload: readFileSync(join(dir, c.file)),
    code: c.code,
    ...(c.field ? { field: c.field } : {}),
  }));
  // Deep enough to overflow a recursive parser, small enough to stay under the size limit.
  const depth = 30_000;
  const generated: HostileCase[] = [
    {
      name: 'canonical over the size limit',
      format: 'canonical',
      payload: Buffer.alloc(maxBytes + 1, 0x20),
      code: 'payload_too_large',
    },
    {
      name: 'cybertip over the size limit',
      format: 'cybertip',
      payload: Buffer.concat([Buffer.from('<cyberTiplineReferral>'), Buffer.alloc(maxBytes, 0x20)]),
      code: 'payload_too_large',
    },
    {
      name: 'cybertip nested 30,000 deep',
      format: 'cybertip',
      payload: Buffer.from(
        `<cyberTiplineReferral>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</cyberTiplineReferral>`,
      ),
      code: 'document_too_deep',
    },
    {
      name: 'xarf nested 30,000 deep',
      format: 'xarf',
      payload: Buffer.from(
        `{"category":"content","type":"csam","x":${'['.repeat(depth)}${']'.repeat(depth)}}`,
      ),
      code: 'schema_violation',
    },
    {
      name: 'iccam over the size limit',
      format: 'iccam',
      payload: Buffer.alloc(maxBytes + 1, 0x20),
      code: 'payload_too_large',
    },
    {
      name: 'iccam nested 30,000 deep',
      format: 'iccam',
      payload: Buffer.from(`{"reportId":1,"x":${'['.repeat(depth)}${']'.repeat(depth)}}`),
      code: 'schema_violation',
    },
    {
      name: 'cybertip invalid UTF-8',
      format: 'cybertip',
      payload: Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]),
      code: 'invalid_encoding',
    },
  ];
  return [...fromFiles, ...generated];
}
