// What a photo (an NCR's, a work order's) may be: a PNG, JPEG, GIF or WebP image whose bytes say so (the declared type must match the
// file's signature), at most PHOTO_MAX_BYTES. SVG is refused: it can carry script.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

export const PHOTO_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;

/** The image type the bytes' signature names, or undefined. */
export function sniffImage(b: Buffer): PhotoType | undefined {
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.subarray(0, 6).toString('latin1'))) return 'image/gif';
  if (b.length >= 12 && b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return undefined;
}

/** Refuses a body that is not the image its Content-Type says (415), empty (400) or too large (413). */
export function checkPhoto(declared: string, body: unknown): PhotoType {
  if (!Buffer.isBuffer(body))
    throw new AppError('unsupported_media_type', `send the photo's bytes as the body with its Content-Type (${PHOTO_TYPES.join(', ')})`);
  if (!(PHOTO_TYPES as readonly string[]).includes(declared))
    throw new AppError('unsupported_media_type', `a photo is ${PHOTO_TYPES.join(', ')}; not ${declared.slice(0, 80) || 'an unnamed type'}`);
  if (body.length === 0) throw new AppError('validation_failed', 'the photo is empty');
  if (body.length > PHOTO_MAX_BYTES) throw new AppError('payload_too_large', `a photo is at most ${PHOTO_MAX_BYTES / 1024 / 1024} MB`);
  const actual = sniffImage(body);
  if (actual !== declared)
    throw new AppError('unsupported_media_type', `the body is ${actual ? `a ${actual} image` : 'not an image'}, but was sent as ${declared}`);
  return actual;
}

/** Lets a route scope take a photo's bytes as the body (the image types, at most PHOTO_MAX_BYTES). */
export function acceptPhotos(scope: FastifyInstance): void {
  scope.addContentTypeParser([...PHOTO_TYPES], { parseAs: 'buffer', bodyLimit: PHOTO_MAX_BYTES }, (_req, body, done) => done(null, body));
}

/** The Content-Type a photo was sent with, without parameters. */
export const declaredType = (req: FastifyRequest): string =>
  String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();

/** Sends a stored photo inline, never sniffed or run as anything else. */
export function sendPhoto(reply: FastifyReply, p: { name: string; contentType: string; data: Buffer }) {
  return reply
    .header('content-type', p.contentType)
    .header('content-disposition', `inline; filename="${p.name.replace(/[^A-Za-z0-9_. -]/g, '_')}"`)
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'")
    .send(p.data);
}
