// The CPU-heavy part of the B2MML intake as one function: limits scan, DTD refusal, well-formedness, XSD validation,
// mapping. Runs in place for small documents and in a worker thread (platform/offload.ts) for large ones.
import { validateB2mml } from '../platform/b2mml/index.ts';
import { AppError } from '../platform/errors.ts';
import { identify, mapSchedule, type MappedSchedule } from './b2mml.ts';
import { scanXml, type B2mmlLimits } from './b2mml-limits.ts';

export const B2MML_JOB = new URL('./b2mml-job.ts', import.meta.url);

export async function checkSchedule(text: string, limits: B2mmlLimits, schemaFolder: string): Promise<MappedSchedule> {
  // Counted before anything parses the text: the parsers are the part that big or odd documents overwhelm.
  scanXml(text, limits);
  const doc = identify(text);
  const errors = await validateB2mml(text, doc.version, 'schedule', schemaFolder);
  if (errors.length)
    throw new AppError(
      'unprocessable',
      `not valid against the B2MML ${doc.version} schema: ${errors
        .slice(0, 5)
        .map((e) => (e.line ? `line ${e.line}: ${e.message}` : e.message))
        .join('; ')}`,
      errors.slice(0, 50).map((e) => ({ path: e.line ? `line ${e.line}` : '(document)', message: e.message })),
    );
  return mapSchedule(text, doc);
}
