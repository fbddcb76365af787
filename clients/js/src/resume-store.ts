// Where the client remembers unfinished uploads so that re-selecting the same file after a page refresh resumes it.
// Entries live in localStorage (an in-memory map where there is none: server-side rendering, private modes that
// throw on access, tests). Entries older than 24 hours are pruned on read: by then the upload token has expired.

/** What identifies "the same file" across page loads: browsers give no path, so name, size and mtime must do. */
export interface FileIdentity {
  name: string;
  size: number;
  lastModified?: number;
  projectId?: string;
}

export interface ResumeEntry {
  uploadId: string;
  uploadToken: string;
  chunkSize: number;
  totalChunks: number;
  /** Date.now() when the upload was initiated. */
  savedAt: number;
}

export interface ResumeStore {
  get(file: FileIdentity): ResumeEntry | undefined;
  set(file: FileIdentity, entry: ResumeEntry): void;
  delete(file: FileIdentity): void;
  /** Forgets the entry of this upload, whichever file it was for (used by cancel, which knows only the id). */
  deleteUpload(uploadId: string): void;
}

export const resumeEntryLifetimeMs = 24 * 60 * 60 * 1000;
const keyPrefix = 'orleans-uploads:resume:';

export function resumeKey(file: FileIdentity): string {
  return keyPrefix + JSON.stringify([file.name, file.size, file.lastModified ?? 0, file.projectId ?? '']);
}

/** The Storage-shaped part of localStorage this store needs; a Map-backed one stands in when there is none. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(index: number): string | null;
  readonly length: number;
}

export class MemoryStorage implements KeyValueStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  get length(): number {
    return this.items.size;
  }
}

/** localStorage when it exists and works; touching it can throw (disabled storage, sandboxed frames). */
function availableLocalStorage(): KeyValueStorage | undefined {
  try {
    const storage = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    if (!storage) return undefined;
    const probe = keyPrefix + 'probe';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return undefined;
  }
}

export class LocalResumeStore implements ResumeStore {
  private readonly storage: KeyValueStorage;
  private readonly now: () => number;

  constructor(storage?: KeyValueStorage, now: () => number = Date.now) {
    this.storage = storage ?? availableLocalStorage() ?? new MemoryStorage();
    this.now = now;
  }

  get(file: FileIdentity): ResumeEntry | undefined {
    const key = resumeKey(file);
    const entry = this.parse(this.storage.getItem(key));
    if (!entry) {
      this.remove(key);
      return undefined;
    }
    if (this.now() - entry.savedAt > resumeEntryLifetimeMs) {
      this.remove(key);
      return undefined;
    }
    return entry;
  }

  set(file: FileIdentity, entry: ResumeEntry): void {
    try {
      this.storage.setItem(resumeKey(file), JSON.stringify(entry));
    } catch {
      // Quota full: the upload still works, it just cannot resume after a refresh.
    }
  }

  delete(file: FileIdentity): void {
    this.remove(resumeKey(file));
  }

  deleteUpload(uploadId: string): void {
    for (const key of this.ownKeys()) {
      if (this.parse(this.storage.getItem(key))?.uploadId === uploadId) this.remove(key);
    }
  }

  /** Drops every entry past its lifetime (and any unreadable one); returns how many went. */
  prune(): number {
    let pruned = 0;
    for (const key of this.ownKeys()) {
      const entry = this.parse(this.storage.getItem(key));
      if (!entry || this.now() - entry.savedAt > resumeEntryLifetimeMs) {
        this.remove(key);
        pruned++;
      }
    }
    return pruned;
  }

  private ownKeys(): string[] {
    const keys: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key?.startsWith(keyPrefix)) keys.push(key);
    }
    return keys;
  }

  private remove(key: string): void {
    try {
      this.storage.removeItem(key);
    } catch {
      // Nothing to do: a store that cannot delete cannot have saved either.
    }
  }

  private parse(text: string | null): ResumeEntry | undefined {
    if (text === null) return undefined;
    try {
      const value = JSON.parse(text) as Partial<ResumeEntry>;
      if (typeof value.uploadId !== 'string' || typeof value.uploadToken !== 'string') return undefined;
      if (typeof value.chunkSize !== 'number' || typeof value.totalChunks !== 'number' || typeof value.savedAt !== 'number') return undefined;
      return value as ResumeEntry;
    } catch {
      return undefined;
    }
  }
}
