/**
 * The PDQ index's candidate filter in WebAssembly, over bucket slots that live in a
 * WebAssembly memory of their own.
 *
 * Why WebAssembly: a lookup at 10M hashes filters ~18-41k bucket slots on 96 bits each, and
 * JavaScript has no popcount: the SWAR popcount of 96 bits is ~40 instructions, 8-12 ns a
 * slot here, half of a lookup. WebAssembly has i64.popcnt and i32.popcnt (one instruction
 * each on x86-64 and arm64), so the filter becomes ~13 instructions a slot. No library offers
 * this kernel; the source is pdq-kernel.wat, compiled by `npm run build:wasm` into
 * pdq-kernel.wasm.ts (a unit test keeps the two in step).
 *
 * One memory per bucket table (not one for the whole index): a wasm32 memory holds at most
 * 4 GiB, a table 12 bytes per hash, so this stays far from the limit even at 100M hashes.
 * Each memory also reserves address space (V8: ~10 GiB of it, not RAM), which is why only
 * large segments use it (see WASM_MIN_ENTRIES in pdq-index.ts).
 */
import { PDQ_KERNEL_WASM_BASE64 } from './pdq-kernel.wasm';

/** Probes of one scan call: 3 int32 each (first slot byte, end byte, budget). */
export const KERNEL_MAX_PROBES = 4096;
/** Probes of one scanEach call: 6 int32 each (the above and the query's inline words). */
export const KERNEL_MAX_EACH_PROBES = KERNEL_MAX_PROBES / 2;
/** Survivors one scan call can return before it gives up (-1). */
export const KERNEL_MAX_SURVIVORS = 8192;
/** Survivors one scanEach call can return (2 int32 each: slot byte address, probe index). */
export const KERNEL_MAX_EACH_SURVIVORS = KERNEL_MAX_SURVIVORS / 2;
const PROBE_BYTES = KERNEL_MAX_PROBES * 12;
const SURVIVOR_BYTES = KERNEL_MAX_SURVIVORS * 4;
/** Byte offset of the first slot in a table's memory. */
export const SLOTS_BYTE_OFFSET = PROBE_BYTES + SURVIVOR_BYTES;
const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;

type ScanFn = (
  probes: number,
  count: number,
  qa: number,
  qb: number,
  qc: number,
  out: number,
  cap: number,
) => number;

/**
 * The part of the WebAssembly API used here. Typed locally: the compiler's ES libs and
 * @types/node 20 do not declare WebAssembly (it lives in the DOM lib), and Node always has it.
 */
interface WasmModule {
  readonly kind?: 'module';
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: { env: { memory: WasmMemory } },
  ) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: WasmModule | null | undefined;

function kernelModule(): WasmModule | null {
  if (compiled === undefined) {
    if (!wasm) return (compiled = null);
    try {
      const text = atob(PDQ_KERNEL_WASM_BASE64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      compiled = new wasm.Module(bytes);
    } catch {
      compiled = null; // no WebAssembly here: the index keeps its JavaScript filter
    }
  }
  return compiled;
}

/**
 * The slots of one bucket table (3 words each) in a WebAssembly memory, with the kernel that
 * filters them. `slots` is an ordinary Uint32Array view: the build writes it like any other.
 */
export class KernelTable {
  readonly slots: Uint32Array;
  /** Probe triples for the next scan, written by the caller. */
  readonly probes: Int32Array;
  /** Byte addresses of the slots that passed the last scan. */
  readonly survivors: Int32Array;
  private readonly scanFn: ScanFn;
  private readonly scanEachFn: (probes: number, count: number, out: number, cap: number) => number;

  private constructor(memory: WasmMemory, api: Record<string, unknown>, words: number) {
    this.slots = new Uint32Array(memory.buffer, SLOTS_BYTE_OFFSET, words);
    this.probes = new Int32Array(memory.buffer, 0, KERNEL_MAX_PROBES * 3);
    this.survivors = new Int32Array(memory.buffer, PROBE_BYTES, KERNEL_MAX_SURVIVORS);
    this.scanFn = api.scan as ScanFn;
    this.scanEachFn = api.scanEach as typeof this.scanEachFn;
  }

  /** A table for `words` slot words, or undefined where WebAssembly or the memory is not had. */
  static create(words: number): KernelTable | undefined {
    const module = kernelModule();
    const pages = Math.ceil((SLOTS_BYTE_OFFSET + words * 4) / PAGE_BYTES);
    if (!wasm || !module || pages > MAX_PAGES) return undefined;
    try {
      const memory = new wasm.Memory({ initial: pages, maximum: pages });
      const instance = new wasm.Instance(module, { env: { memory } });
      return new KernelTable(memory, instance.exports, words);
    } catch {
      return undefined; // address space or memory refused: the JavaScript filter still works
    }
  }

  /**
   * Filters the slots of the first `count` probes against the query's inline words; returns
   * the number of survivors (in `survivors`), or -1 when they would not fit.
   */
  scan(count: number, qa: number, qb: number, qc: number): number {
    return this.scanFn(0, count, qa, qb, qc, PROBE_BYTES, KERNEL_MAX_SURVIVORS);
  }

  /**
   * Filters the slots of the first `count` 6-int probes (in `probes`), each against its own
   * query's inline words; survivors are (slot byte address, probe index) pairs in `survivors`.
   * Returns their number, or -1 when they would not fit.
   */
  scanEach(count: number): number {
    return this.scanEachFn(0, count, PROBE_BYTES, KERNEL_MAX_EACH_SURVIVORS);
  }
}
