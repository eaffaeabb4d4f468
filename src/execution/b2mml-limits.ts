// Limits of the B2MML intake and the one-pass scan that enforces them before any parser or the XSD validator runs:
// those are super-linear or recursive on hostile shapes (issue #11 item 15: 200k attributes took 12.8 s, a 19 MB
// document exhausted the validator). Settings: docs/execution.md "Limits".
import { readLimits, tooMany } from '../platform/limits.ts';

export interface B2mmlLimits {
  /** Body size, answered 413 by the route's bodyLimit. */
  maxBytes: number;
  /** ProductionRequest / OperationsRequest elements in the whole document. */
  maxRequests: number;
  /** SegmentRequirement elements in the whole document. */
  maxSegments: number;
  /** Attributes in the whole document (B2MML uses few: namespaces, releaseID, unitCode …). */
  maxAttributes: number;
  /** Element nesting; B2MML schedules nest about 8 deep. */
  maxDepth: number;
}

export const B2MML_SETTINGS = {
  maxBytes: 'TAKT_B2MML_MAX_BYTES',
  maxRequests: 'TAKT_B2MML_MAX_REQUESTS',
  maxSegments: 'TAKT_B2MML_MAX_SEGMENTS',
  maxAttributes: 'TAKT_B2MML_MAX_ATTRIBUTES',
  maxDepth: 'TAKT_B2MML_MAX_DEPTH',
} as const satisfies Record<keyof B2mmlLimits, string>;

export function b2mmlLimits(env: NodeJS.ProcessEnv = process.env): B2mmlLimits {
  return readLimits(env, B2MML_SETTINGS, { maxBytes: 10 * 1024 * 1024, maxRequests: 5_000, maxSegments: 50_000, maxAttributes: 50_000, maxDepth: 64 });
}

export interface XmlCounts {
  requests: number;
  segments: number;
  attributes: number;
  depth: number;
}

const REQUESTS = new Set(['ProductionRequest', 'OperationsRequest']);

/**
 * Counts requests, segments, attributes and nesting in one linear pass (indexOf and a character loop, no regular
 * expression that could backtrack) and throws a 422 naming the setting as soon as a limit is passed. It does not judge
 * well-formedness: what it cannot make sense of it skips, and the XML validator that runs next refuses it.
 */
export function scanXml(text: string, limits: B2mmlLimits): XmlCounts {
  const c: XmlCounts = { requests: 0, segments: 0, attributes: 0, depth: 0 };
  const n = text.length;
  let depth = 0;
  let i = text.indexOf('<');
  const skipTo = (end: string, from: number) => {
    const e = text.indexOf(end, from);
    return e < 0 ? n : e + end.length;
  };
  while (i >= 0 && i < n) {
    if (text.startsWith('<!--', i)) i = skipTo('-->', i + 4);
    else if (text.startsWith('<![CDATA[', i)) i = skipTo(']]>', i + 9);
    else if (text.startsWith('<?', i)) i = skipTo('?>', i + 2);
    else if (text[i + 1] === '!')
      i += 2; // a DTD: refused by name right after this scan
    else {
      let j = i + 1;
      let quote = '';
      let attrs = 0;
      for (; j < n; j++) {
        const ch = text[j];
        if (quote) {
          if (ch === quote) quote = '';
        } else if (ch === '"' || ch === "'") quote = ch;
        else if (ch === '=') attrs++;
        else if (ch === '>') break;
      }
      if (j >= n) break;
      const closing = text[i + 1] === '/';
      const selfClosing = text[j - 1] === '/';
      let k = i + (closing ? 2 : 1);
      let name = '';
      while (k < j && name.length < 200 && !/[\s/>]/.test(text[k])) name += text[k++];
      const local = name.includes(':') ? name.slice(name.indexOf(':') + 1) : name;
      if (closing) depth--;
      else {
        c.attributes += attrs;
        if (c.attributes > limits.maxAttributes) throw tooMany('attributes', c.attributes, limits.maxAttributes, B2MML_SETTINGS.maxAttributes, true);
        if (REQUESTS.has(local) && ++c.requests > limits.maxRequests)
          throw tooMany('ProductionRequest/OperationsRequest elements', c.requests, limits.maxRequests, B2MML_SETTINGS.maxRequests, true);
        if (local === 'SegmentRequirement' && ++c.segments > limits.maxSegments)
          throw tooMany('SegmentRequirement elements', c.segments, limits.maxSegments, B2MML_SETTINGS.maxSegments, true);
        if (!selfClosing && ++depth > c.depth) {
          c.depth = depth;
          if (depth > limits.maxDepth) throw tooMany('levels of element nesting', depth, limits.maxDepth, B2MML_SETTINGS.maxDepth, true);
        }
      }
      i = j + 1;
    }
    i = text.indexOf('<', i);
  }
  return c;
}
