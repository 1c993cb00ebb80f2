import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDQ_KERNEL_WASM_BASE64 } from '../libs/domain/src/dedup/pdq-kernel.wasm';
import { compileWat } from './wat';

describe('generated WebAssembly', () => {
  it('pdq-kernel.wasm.ts holds exactly what pdq-kernel.wat compiles to (run npm run build:wasm)', async () => {
    const source = readFileSync(join(__dirname, '../libs/domain/src/dedup/pdq-kernel.wat'), 'utf8');
    const bytes = await compileWat('pdq-kernel.wat', source);
    expect(Buffer.from(bytes).toString('base64')).toBe(PDQ_KERNEL_WASM_BASE64);
  });
});
