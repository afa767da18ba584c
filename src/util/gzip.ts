/**
 * Whether bytes are gzip, by the two magic bytes every gzip member starts with (RFC 1952). The
 * one test used by every reader: names lie (S3 downloads and CloudWatch exports lose or change
 * extensions, and some HTTP layers undo Content-Encoding), the bytes do not.
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
