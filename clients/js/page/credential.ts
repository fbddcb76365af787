// The page's optional credential: kept in sessionStorage (this tab only, gone when it closes), and told apart by
// shape. An upload token is a JWT whose audience is the service's upload audience and whose `upload` claim names the
// one upload it opens; anything else (an API key, a caller's JWT) is sent as a bearer credential.

const storageKey = 'orleans-uploads:credential';
const uploadTokenAudience = 'orleans-uploads/upload';

export type PageCredential =
  | { kind: 'none' }
  | { kind: 'bearer'; value: string }
  | { kind: 'upload-token'; value: string; uploadId: string };

export function loadCredential(): string {
  try {
    return sessionStorage.getItem(storageKey) ?? '';
  } catch {
    return '';
  }
}

export function saveCredential(value: string): void {
  try {
    if (value) sessionStorage.setItem(storageKey, value);
    else sessionStorage.removeItem(storageKey);
  } catch {
    // Storage disabled: the field still works for this page load.
  }
}

export function classifyCredential(raw: string): PageCredential {
  const value = raw.trim();
  if (!value) return { kind: 'none' };
  const uploadId = uploadIdOfToken(value);
  return uploadId ? { kind: 'upload-token', value, uploadId } : { kind: 'bearer', value };
}

/** The upload a token opens, read from its (unverified: the server verifies) payload; undefined if not an upload token. */
function uploadIdOfToken(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const base64 = parts[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const payload = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='))) as { aud?: unknown; upload?: unknown };
    const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (!audiences.includes(uploadTokenAudience) || typeof payload.upload !== 'string') return undefined;
    // The claim holds the id as 32 hex digits; the API answers it in the dashed form, so show that one.
    const hex = payload.upload;
    return /^[0-9a-f]{32}$/i.test(hex)
      ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`.toLowerCase()
      : hex;
  } catch {
    return undefined;
  }
}
