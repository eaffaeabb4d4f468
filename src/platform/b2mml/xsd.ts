// XSD validation of B2MML against MESA's schemas (libxml2's xmllint compiled to WebAssembly: no network, no files).
// Nothing is accepted unvalidated: without the schema folder the intake answers 503.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';
import { AppError } from '../errors.ts';
import { B2MML_ENTRY_SCHEMAS, type B2mmlDocumentKind, type B2mmlVersion } from './namespaces.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** `TAKT_B2MML_SCHEMAS`, or the copy of MESA's schemas shipped in the repository (`schemas/b2mml`, see its README). */
export function schemaFolder(env: NodeJS.ProcessEnv = process.env): string {
  return env.TAKT_B2MML_SCHEMAS ? path.resolve(env.TAKT_B2MML_SCHEMAS) : path.join(ROOT, 'schemas', 'b2mml');
}

interface Loaded {
  entry: { fileName: string; contents: string };
  preload: Array<{ fileName: string; contents: string }>;
}
const cache = new Map<string, Loaded>();

function load(folder: string, version: B2mmlVersion, entryFile: string): Loaded {
  const dir = path.join(folder, version);
  const key = `${dir}#${entryFile}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (!existsSync(path.join(dir, entryFile)))
    throw new AppError('unavailable', `B2MML validation is unavailable: the ${version} schemas are missing (${entryFile} in ${dir}); nothing was accepted`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.xsd'));
  const read = (f: string) => ({ fileName: f, contents: readFileSync(path.join(dir, f), 'utf8') });
  const loaded = { entry: read(entryFile), preload: files.filter((f) => f !== entryFile).map(read) };
  cache.set(key, loaded);
  return loaded;
}

const PAGE = 64 * 1024;
/** WASM pages for a document of `chars` characters: 64 MiB for the schemas plus room for the tree, at most 4 GiB. */
export const memoryPagesFor = (chars: number) => Math.min(65_536, Math.ceil((64 * 1024 * 1024 + chars * 16) / PAGE));

export interface SchemaError {
  line: number | null;
  message: string;
}

/** Validates the document against the entry schema of its kind and generation; returns the schema errors (empty when valid). */
export async function validateB2mml(xml: string, version: B2mmlVersion, kind: B2mmlDocumentKind, folder = schemaFolder()): Promise<SchemaError[]> {
  const { entry, preload } = load(folder, version, B2MML_ENTRY_SCHEMAS[kind][version]);
  let res: Awaited<ReturnType<typeof validateXML>>;
  try {
    // libxml2 holds the document's tree beside the schemas: its WASM memory grows with the document (the fixed 32 MiB
    // default failed on a 19 MB document, issue #11 item 15). The bytes are bounded by TAKT_B2MML_MAX_BYTES.
    res = await validateXML({ xml: { fileName: 'document.xml', contents: xml }, schema: entry, preload, maxMemoryPages: memoryPagesFor(xml.length) });
  } catch (err) {
    // An exit status other than valid/invalid: libxml2 gave up (out of memory, limits), which is the document's doing.
    throw new AppError(
      'unprocessable',
      `the XSD validator could not process the document (too large or too complex): ${String((err as Error).message)
        .split('\n')[0]
        .slice(0, 300)}`,
    );
  }
  if (res.valid) return [];
  // The schemas themselves produce import warnings; only the document's own errors count.
  const errors = res.errors
    .filter((e) => e.loc?.fileName === 'document.xml' || !e.loc)
    .map((e) => ({ line: e.loc?.lineNumber ?? null, message: e.message.trim() }));
  return errors.length ? errors : [{ line: null, message: res.errors.map((e) => e.message).join('; ') || 'invalid against the schema' }];
}
