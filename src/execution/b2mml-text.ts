// The bytes of a B2MML upload as text. XML 1.0 §4.3.3 and Appendix F: a document names its encoding by a byte order
// mark, else by its declaration (`<?xml … encoding="…"?>`), and an HTTP charset parameter outranks the declaration
// (RFC 7303 §3.2, the BOM outranks both). UTF-16 needs its BOM (XML 1.0 §4.3.3) — an ERP's export often writes it so.
import { AppError } from '../platform/errors.ts';

/** Encodings accepted besides UTF-8 and UTF-16 (WHATWG labels that TextDecoder knows). */
const OTHER = /^(us-ascii|ascii|iso-8859-1|iso_8859-1|latin1|l1|windows-1252|cp1252|iso-8859-15|latin9)$/i;

function charsetOf(contentType: string | undefined): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m ? m[1].toLowerCase() : null;
}

/** The encoding named in the XML declaration, read from bytes in an ASCII-compatible encoding. */
function declaredEncoding(bytes: Buffer): string | null {
  const head = bytes.subarray(0, 200).toString('latin1');
  const m = /^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  return m ? m[1].toLowerCase() : null;
}

function decode(bytes: Buffer, label: string, name: string): string {
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('bad_request', `the document is not valid ${name}: its bytes do not decode (declare the encoding the file is really in)`);
  }
}

/**
 * Text of the document, with the declaration's encoding rewritten to UTF-8 (the text is handed on as a JavaScript
 * string, which the validator reads as UTF-8). An encoding Takt cannot read is a 415 that names it.
 */
export function xmlText(body: Buffer | string, contentType?: string): string {
  if (typeof body === 'string') return body;
  let text: string;
  const charset = charsetOf(contentType);
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) text = decode(body.subarray(3), 'utf-8', 'UTF-8');
  else if (body[0] === 0xff && body[1] === 0xfe) text = decode(body.subarray(2), 'utf-16le', 'UTF-16 (little-endian)');
  else if (body[0] === 0xfe && body[1] === 0xff) text = decode(body.subarray(2), 'utf-16be', 'UTF-16 (big-endian)');
  else {
    // No BOM: UTF-16 without one is recognised by its first character '<' (XML 1.0 Appendix F), else the charset
    // parameter, else the declaration, else UTF-8.
    if (body[0] === 0x3c && body[1] === 0x00) return withUtf8Declaration(decode(body, 'utf-16le', 'UTF-16 (little-endian)'));
    if (body[0] === 0x00 && body[1] === 0x3c) return withUtf8Declaration(decode(body, 'utf-16be', 'UTF-16 (big-endian)'));
    const name = charset ?? declaredEncoding(body) ?? 'utf-8';
    if (/^utf-?8$/i.test(name)) text = decode(body, 'utf-8', 'UTF-8');
    else if (/^utf-?16(le|be)?$/i.test(name) || /^ucs-?2$/i.test(name))
      throw new AppError(
        'unsupported_media_type',
        `the document says it is ${name.toUpperCase()} but has no byte order mark and does not start with '<' in UTF-16: send UTF-16 with its BOM, or UTF-8`,
      );
    else if (OTHER.test(name)) text = decode(body, name, name.toUpperCase());
    else throw new AppError('unsupported_media_type', `the document's encoding '${name}' is not supported: send UTF-8 or UTF-16 (with its BOM)`);
  }
  return withUtf8Declaration(text);
}

function withUtf8Declaration(text: string): string {
  return text.replace(/^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])[A-Za-z0-9._-]+\2/, '$1"UTF-8"');
}
