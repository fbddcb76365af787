// The X-Chunk-Hash value: the lowercase hex SHA-256 of one chunk's bytes, computed with Web Crypto (crypto.subtle),
// which browsers offer only in secure contexts (https, or http on localhost) and Node offers as globalThis.crypto.

export async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('crypto.subtle is unavailable (the page is not a secure context); turn enableHashValidation off or serve over https');
  }
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
