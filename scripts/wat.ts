/** WebAssembly text → binary with wabt (a dev-time tool: nothing loads it at run time). */
import wabtFactory from 'wabt';

export async function compileWat(name: string, source: string): Promise<Uint8Array> {
  const wabt = await wabtFactory();
  const module = wabt.parseWat(name, source);
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
