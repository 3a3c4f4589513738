import { fstatSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** How often a pipe is checked for a reader that left while nothing was written. */
const CHECK_MS = 200;

/**
 * A minimal WebAssembly module that only exports its memory: the WASI
 * functions then read and write their arguments there.
 * (module (memory (export "memory") 1))
 */
const MEMORY_ONLY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 2, 0]);

/** WASI's subscription and event layouts (wasi_snapshot_preview1). */
const SUBSCRIPTION = 0;
const EVENT = 64;
const EVENT_COUNT = 128;
const EVENTTYPE_FD_WRITE = 2;

type PipeCheck = () => boolean;

/** The little of the WebAssembly global this needs (the project's lib has no DOM types). */
interface WasmInstance {
  exports: Record<string, unknown>;
}
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<unknown>; instantiate(module: unknown, imports: object): Promise<WasmInstance> } }).WebAssembly;

/**
 * A check "has the reader of this pipe gone?" that writes nothing. Node has
 * no poll(2) of its own and learns of a closed pipe only from a write
 * (EPIPE); GNU tail -f finds out at once with poll, which reports POLLERR on
 * a pipe without readers. WASI's poll_oneoff, which Node implements with
 * libuv's poller, gives the same answer: asked whether fd is writable, it
 * answers at once, with an error when the reader has gone. Returns
 * undefined when the check is not available (not a pipe, no WASI).
 */
async function pipeCheck(fd: number): Promise<PipeCheck | undefined> {
  try {
    if (!fstatSync(fd).isFIFO()) return undefined;
  } catch {
    return undefined;
  }
  // node:wasi warns that it is experimental, on stderr, the first time: that line is not oci-log's to print.
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === 'string' ? warning : warning.message;
    if (!/WASI/.test(text)) (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    const { WASI } = await import('node:wasi');
    const wasi = new WASI({ version: 'preview1', returnOnExit: true, stdin: 0, stdout: fd, stderr: 2 });
    const instance = await wasm.instantiate(await wasm.compile(MEMORY_ONLY_MODULE), {});
    wasi.initialize(instance as Parameters<typeof wasi.initialize>[0]);
    const memory = instance.exports['memory'] as { buffer: ArrayBuffer };
    const pollOneoff = (wasi.wasiImport as Record<string, (...args: number[]) => number>)['poll_oneoff'];
    if (pollOneoff === undefined) return undefined;
    return () => {
      const view = new DataView(memory.buffer);
      for (let i = 0; i < 48; i++) view.setUint8(SUBSCRIPTION + i, 0);
      view.setUint8(SUBSCRIPTION + 8, EVENTTYPE_FD_WRITE);
      view.setUint32(SUBSCRIPTION + 16, 1, true); // WASI's fd 1 is `fd` (the stdout option above)
      if (pollOneoff(SUBSCRIPTION, EVENT, 1, EVENT_COUNT) !== 0) return false;
      return view.getUint32(EVENT_COUNT, true) === 1 && view.getUint16(EVENT + 8, true) !== 0;
    };
  } catch {
    return undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
}

/**
 * Calls `gone` once when the reader of `stream` goes away: at once when the
 * stream closes or fails (a write met EPIPE), and, for a pipe, within
 * CHECK_MS even when nothing is written (oci-log query -f | head -3 on a
 * quiet log). Returns a function that stops watching.
 */
export function watchReaderGone(stream: Writable & { fd?: unknown }, gone: () => void): () => void {
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (done) return;
    stop();
    gone();
  };
  const stop = (): void => {
    done = true;
    if (timer) clearInterval(timer);
    stream.off('close', fire);
    stream.off('error', fire);
  };
  stream.on('close', fire);
  stream.on('error', fire);
  if (stream.destroyed || stream.writableEnded) queueMicrotask(fire);
  if (typeof stream.fd === 'number') {
    void pipeCheck(stream.fd).then((check) => {
      if (!check || done) return;
      timer = setInterval(() => {
        if (check()) fire();
      }, CHECK_MS);
      timer.unref();
    });
  }
  return stop;
}
