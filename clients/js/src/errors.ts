// UploadError: one error type for every failure the client reports, built from the service's problem+json so callers
// can branch on the stable `code`. The seed's callers test `error.message.includes('File too large')` and
// `'Network error'`, so those two phrases are part of the message contract.

/** A problem+json body as the gateway sends it. */
export interface ProblemDetails {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
}

export class UploadError extends Error {
  /** The service's stable code (e.g. `file_too_large`), or a client code: `network_error`, `cancelled`, `file_mismatch`. */
  readonly code: string;
  /** The HTTP status, 0 when no response arrived. */
  readonly status: number;
  /** The service's human-readable detail, when it gave one. */
  readonly detail: string | undefined;

  constructor(message: string, code: string, status: number, detail?: string) {
    super(message);
    this.name = 'UploadError';
    this.code = code;
    this.status = status;
    this.detail = detail;
  }

  /** An error from a response that was not OK; reads the body as problem+json when it is one. */
  static async fromResponse(response: Response): Promise<UploadError> {
    const problem = await readProblem(response);
    const code = problem.code ?? `http_${response.status}`;
    const detail = problem.detail ?? problem.title;
    const explained = detail ?? `the server answered ${response.status} ${response.statusText}`.trim();
    const message = code === 'file_too_large' || response.status === 413
      ? `File too large: ${explained}`
      : explained;
    return new UploadError(message, code, response.status, problem.detail);
  }

  /** The request never got an answer (offline, DNS, connection reset) even after the retries. */
  static network(cause: unknown): UploadError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const error = new UploadError(`Network error: ${reason}`, 'network_error', 0);
    (error as { cause?: unknown }).cause = cause;
    return error;
  }

  static cancelled(uploadId: string): UploadError {
    return new UploadError(`Upload ${uploadId} was cancelled`, 'cancelled', 0);
  }
}

async function readProblem(response: Response): Promise<ProblemDetails> {
  try {
    const text = await response.text();
    if (!text) return {};
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as ProblemDetails) : {};
  } catch {
    // Not JSON (a proxy's HTML page, an empty 502): the status alone must do.
    return {};
  }
}
