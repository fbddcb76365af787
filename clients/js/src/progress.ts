// Progress bookkeeping for one upload: which chunks are stored, how many bytes that is, and a speed measured over a
// sliding window (so a stall shows as a falling speed, not as the whole-upload average) from which the ETA follows.
// The field names of UploadProgress are the seed's: its React component reads them as they are.

export type UploadProgressStatus = 'uploading' | 'completed' | 'failed' | 'cancelled';

export interface UploadProgress {
  uploadId: string;
  /** 0..100. */
  progressPercentage: number;
  /** Bytes per second over the last few seconds; 0 until a chunk of this session has been stored. */
  uploadSpeed: number;
  /** Seconds left at the current speed; 0 when done or while the speed is still unknown. */
  estimatedTimeRemaining: number;
  completedChunks: number;
  totalChunks: number;
  uploadedBytes: number;
  status: UploadProgressStatus;
}

const speedWindowMs = 10_000;

export class ProgressTracker {
  private readonly stored = new Set<number>();
  private storedBytes = 0;
  private sessionBytes = 0;
  private readonly samples: Array<{ at: number; bytes: number }>;

  constructor(
    private readonly uploadId: string,
    private readonly totalChunks: number,
    private readonly totalBytes: number,
    private readonly chunkLength: (chunkNumber: number) => number,
    alreadyStored: Iterable<number>,
    private readonly now: () => number = Date.now,
  ) {
    for (const chunk of alreadyStored) this.addStored(chunk);
    this.samples = [{ at: now(), bytes: 0 }];
  }

  get completedChunks(): number {
    return this.stored.size;
  }

  /** Records a stored chunk once, however often the server confirms it (retries answer alreadyStored). */
  markStored(chunkNumber: number): void {
    if (!this.addStored(chunkNumber)) return;
    this.sessionBytes += this.chunkLength(chunkNumber);
    const at = this.now();
    this.samples.push({ at, bytes: this.sessionBytes });
    while (this.samples.length > 2 && at - this.samples[1]!.at >= speedWindowMs) this.samples.shift();
  }

  snapshot(status: UploadProgressStatus): UploadProgress {
    const remaining = Math.max(0, this.totalBytes - this.storedBytes);
    const speed = this.speed();
    const done = this.totalChunks === 0 || this.stored.size >= this.totalChunks;
    return {
      uploadId: this.uploadId,
      progressPercentage: done ? 100 : this.totalBytes > 0 ? (this.storedBytes / this.totalBytes) * 100 : 0,
      uploadSpeed: speed,
      estimatedTimeRemaining: done || speed <= 0 ? 0 : remaining / speed,
      completedChunks: this.stored.size,
      totalChunks: this.totalChunks,
      uploadedBytes: this.storedBytes,
      status,
    };
  }

  private addStored(chunkNumber: number): boolean {
    if (this.stored.has(chunkNumber)) return false;
    this.stored.add(chunkNumber);
    this.storedBytes += this.chunkLength(chunkNumber);
    return true;
  }

  private speed(): number {
    const first = this.samples[0]!;
    const last = this.samples[this.samples.length - 1]!;
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? (last.bytes - first.bytes) / seconds : 0;
  }
}
