// Shared test helpers: files made of known bytes, a client wired to the fake server, and `settle`, which drives fake
// timers until a promise settles (backoff sleeps then take no real time, and no test waits on a clock).
/// <reference types="node" />

import { vi } from 'vitest';
import { EnhancedUploadClient, type EnhancedUploadClientOptions } from '../src/client.js';
import { LocalResumeStore, MemoryStorage } from '../src/resume-store.js';
import type { UploadProgress } from '../src/progress.js';
import { FakeUploadServer } from './fake-upload-server.js';

export const smallChunk = 64 * 1024;

/** A File whose byte i is (i * 31 + seed) mod 251, so every chunk differs and corruption would show. */
export function makeFile(size: number, name = 'clip.mp4', seed = 7): File {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) % 251;
  return new File([bytes], name, { lastModified: 1_700_000_000_000 });
}

export interface TestRig {
  server: FakeUploadServer;
  store: LocalResumeStore;
  storage: MemoryStorage;
  client: EnhancedUploadClient;
  progress: UploadProgress[];
  onProgress: (progress: UploadProgress) => void;
}

export function makeRig(options: EnhancedUploadClientOptions = {}, server = new FakeUploadServer(), storage = new MemoryStorage()): TestRig {
  const store = new LocalResumeStore(storage);
  const client = new EnhancedUploadClient('http://uploads.test', {
    chunkSize: smallChunk, fetch: server.fetch, storage: store, retryDelay: { random: () => 0 }, ...options,
  });
  const progress: UploadProgress[] = [];
  return { server, store, storage, client, progress, onProgress: (update) => progress.push(update) };
}

/**
 * Runs fake timers until `promise` settles. When no timer is pending the client is waiting on real work (reading a
 * Blob, hashing), so one real macrotask turn lets that finish; setImmediate is left real for exactly this.
 */
export async function settle<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  promise.then(() => { settled = true; }, () => { settled = true; });
  while (!settled) {
    if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return promise;
}

export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_700_000_000_000 });
}
