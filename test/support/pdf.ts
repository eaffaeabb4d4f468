// Reads back the PDFs Takt writes (pdfkit, standard fonts): the content streams (inflated when FlateDecode) and the
// text shown in them, one string per text-showing operator (TJ / Tj), so tests assert what a reader would see.
import { inflateSync } from 'node:zlib';

export interface PdfReading {
  /** the number of /Type /Page objects */
  pages: number;
  /** the text of each text-showing operator, in the order written (pages in order) */
  texts: string[];
  /** all of it, joined by newlines */
  text: string;
}

/** Strings in a TJ array or before Tj: hex <…> (what pdfkit writes) or literal (…), in Windows-1252 ≈ Latin-1. */
function decodeStrings(operand: string): string {
  let out = '';
  for (const m of operand.matchAll(/<([0-9a-fA-F\s]*)>|\(((?:\\.|[^\\)])*)\)/g)) {
    if (m[1] !== undefined) out += Buffer.from(m[1].replace(/\s/g, ''), 'hex').toString('latin1');
    else out += m[2].replace(/\\([nrtbf()\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' })[c] ?? c);
  }
  return out;
}

export function readPdf(pdf: Buffer): PdfReading {
  const raw = pdf.toString('latin1');
  if (!raw.startsWith('%PDF-')) throw new Error('not a PDF: no %PDF- header');
  if (!/%%EOF\s*$/.test(raw)) throw new Error('not a complete PDF: no %%EOF at the end');
  if (!/\/Type \/Catalog/.test(raw)) throw new Error('no document catalog');
  if (!/\nxref\n/.test(raw) || !/\ntrailer\n/.test(raw)) throw new Error('no cross-reference table or trailer');
  const texts: string[] = [];
  for (const m of raw.matchAll(/<<((?:(?!>>\s*stream)[\s\S])*)>>\s*stream\r?\n/g)) {
    const start = (m.index ?? 0) + m[0].length;
    const end = raw.indexOf('endstream', start);
    let bytes = pdf.subarray(start, end);
    if (/\/Filter\s*\/FlateDecode/.test(m[1])) bytes = inflateSync(bytes);
    const content = bytes.toString('latin1');
    for (const t of content.matchAll(/\[((?:<[0-9a-fA-F\s]*>|\((?:\\.|[^\\)])*\)|[\s\d.+-])*)\]\s*TJ|(<[0-9a-fA-F\s]*>|\((?:\\.|[^\\)])*\))\s*Tj/g))
      texts.push(decodeStrings(t[1] ?? t[2]));
  }
  const pages = (raw.match(/\/Type \/Page\b(?!s)/g) ?? []).length;
  return { pages, texts, text: texts.join('\n') };
}
