// What a new password or badge PIN must be (issue #11 items 7 and 16). Existing hashes keep working: the rules apply
// when a secret is set, never when one is checked.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 10;
export const PIN_MIN_LENGTH = 6;
export const PIN_MAX_LENGTH = 8;

/** The words of the shipped common-password list, lower case (comment lines start with #). */
const COMMON = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l && !l.startsWith('#')),
);

/** A password anyone would try first: in the list, or one character repeated (aaaaaaaaaa). */
export function isCommonPassword(password: string): boolean {
  const p = password.normalize('NFKC').trim().toLowerCase();
  return COMMON.has(p) || /^(.)\1*$/su.test(p);
}

export const PASSWORD_RULE = `at least ${PASSWORD_MIN_LENGTH} characters and not a common password`;

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(256)
  .refine((p) => !isCommonPassword(p), 'this password is on the list of common passwords; choose another');

/**
 * A PIN a guesser does not try first: all digits the same (000000) or a run up or down (123456, 987654, 901234).
 * Six digits with these excluded leave ~10^6 choices; the sign-in limits allow a few guesses per window.
 */
export function isTrivialPin(pin: string): boolean {
  const d = [...pin].map(Number);
  const steps = new Set(d.slice(1).map((x, i) => (x - d[i] + 10) % 10));
  return steps.size === 1 && [0, 1, 9].includes([...steps][0]);
}

export const pinSchema = z
  .string()
  .regex(new RegExp(`^\\d{${PIN_MIN_LENGTH},${PIN_MAX_LENGTH}}$`), `${PIN_MIN_LENGTH} to ${PIN_MAX_LENGTH} digits`)
  .refine((p) => !isTrivialPin(p), 'the PIN must not be one digit repeated or a run such as 123456');
