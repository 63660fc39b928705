const utf8Strict = new TextDecoder('utf-8', { fatal: true });
const utf8Lenient = new TextDecoder('utf-8');
// The WHATWG "latin1" is windows-1252, which is what old Windows players wrote.
const latin1 = new TextDecoder('windows-1252');

/**
 * Text of a playlist file. `.m3u8` is UTF-8 by definition; `.m3u` and `.pls` have no declared
 * encoding, so UTF-8 is tried first and Latin-1 (windows-1252) used when the bytes are not
 * valid UTF-8. A byte-order mark is dropped.
 */
export function decodePlaylistText(bytes: Uint8Array, utf8Only: boolean): string {
  let text: string;
  if (utf8Only) {
    text = utf8Lenient.decode(bytes);
  } else {
    try {
      text = utf8Strict.decode(bytes);
    } catch {
      text = latin1.decode(bytes);
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
