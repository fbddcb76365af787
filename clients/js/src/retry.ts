// Retrying fetch: network failures and passing server trouble (5xx, 429) are retried with exponential backoff and
// jitter, a 429's Retry-After is honoured, and everything else becomes an UploadError at once. Sleeps go through
// setTimeout so tests can drive them with fake timers, and every wait ends early when the upload is cancelled.

import { UploadError } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first try; 0 means one attempt only. */
  maxRetries: number;
  /** The first backoff ceiling; doubles each attempt. */
  baseDelayMs: number;
  /** No backoff ceiling grows beyond this. */
  maxDelayMs: number;
  /** Source of jitter in [0, 1); injectable so tests can pin it. */
  random: () => number;
}

export const defaultRetryPolicy: Omit<RetryPolicy, 'maxRetries'> = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  random: Math.random,
};

/** "Equal jitter": half the exponential ceiling for sure, the other half at random, so clients spread out. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + policy.random() * (ceiling / 2);
}

/** Retry-After as delta-seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * 5xx and 429 are worth another try, except answers no retry can change: 501 Not Implemented, 505, and 507
 * (the service's storage or the caller's quota is full).
 */
export function isRetryableStatus(status: number): boolean {
  if (status === 429 || status === 408) return true;
  return status >= 500 && status !== 501 && status !== 505 && status !== 507;
}

/** One request with retries. Resolves with an OK response; rejects with an UploadError (or the abort reason). */
export async function fetchWithRetry(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, signal });
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      if (attempt >= policy.maxRetries) throw UploadError.network(cause);
      await sleep(backoffDelay(attempt, policy), signal);
      continue;
    }

    if (response.ok) return response;
    if (!isRetryableStatus(response.status) || attempt >= policy.maxRetries) {
      throw await UploadError.fromResponse(response);
    }

    // The body must be drained or cancelled, or the connection stays busy while we wait.
    await response.body?.cancel().catch(() => undefined);
    const serverDelay = retryAfterMs(response.headers.get('Retry-After'), Date.now());
    await sleep(serverDelay ?? backoffDelay(attempt, policy), signal);
  }
}
