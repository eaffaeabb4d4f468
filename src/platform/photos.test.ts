import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppError } from './errors.ts';
import { checkPhoto, PHOTO_MAX_BYTES, sniffImage } from './photos.ts';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
const GIF = Buffer.from('GIF89a\x01\x00', 'latin1');
const WEBP = Buffer.concat([Buffer.from('RIFF', 'latin1'), Buffer.from([4, 0, 0, 0]), Buffer.from('WEBPVP8 ', 'latin1')]);

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as AppError).code;
  }
  return 'ok';
};

describe('photos', () => {
  it('knows each image type by its signature', () => {
    expect([PNG, JPEG, GIF, WEBP].map(sniffImage)).toEqual(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImage(Buffer.from('%PDF-1.7'))).toBeUndefined();
  });

  it('accepts an image sent as its own type and refuses every mismatch, empty, oversized or non-image body', () => {
    expect(checkPhoto('image/png', PNG)).toBe('image/png');
    expect(code(() => checkPhoto('image/jpeg', PNG))).toBe('unsupported_media_type');
    expect(code(() => checkPhoto('image/svg+xml', Buffer.from('<svg/>')))).toBe('unsupported_media_type');
    expect(code(() => checkPhoto('image/png', Buffer.alloc(0)))).toBe('validation_failed');
    expect(code(() => checkPhoto('image/png', 'text'))).toBe('unsupported_media_type');
    expect(code(() => checkPhoto('image/png', Buffer.concat([PNG, Buffer.alloc(PHOTO_MAX_BYTES)])))).toBe('payload_too_large');
  });

  it('never accepts random bytes under a type their signature does not name', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom('image/png', 'image/jpeg', 'image/gif', 'image/webp'), (bytes, type) => {
        const b = Buffer.from(bytes);
        const result = code(() => checkPhoto(type, b));
        expect(result === 'ok').toBe(b.length > 0 && sniffImage(b) === type);
      }),
      { numRuns: 500 },
    );
  });
});
