// Which actions need signatures, and whether the signatures on a record satisfy them. Pure: the service loads the
// policy and the signatures, this decides; the rules are tested here over random sets of signatures.
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { PERSON_ROLES } from '../auth/principal.ts';

/** What a signature means (21 CFR 11.50(a)(3): "such as review, approval, responsibility, or authorship"). */
export const MEANINGS = ['review', 'approval', 'responsibility', 'authorship'] as const;
export type Meaning = (typeof MEANINGS)[number];

export const actionSchema = z.string().regex(/^[a-z][a-z0-9_.-]{0,99}$/, 'lower-case letters, digits and _ . - (e.g. lot.release), 1–100 characters');
export const recordTypeSchema = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'lower-case letters, digits and _ . - (e.g. ncr), 1–64 characters');

export const policyRuleSchema = z
  .object({
    action: actionSchema,
    signatures: z.union([z.literal(1), z.literal(2)], { error: 'one or two signatures (leave an action out to need none)' }),
    /** The signer must hold one of these roles when signing; empty or left out: any person. */
    roles: z.array(z.enum(PERSON_ROLES)).max(PERSON_ROLES.length).default([]),
    /** The meaning each signature must carry; left out: any. */
    meaning: z.enum(MEANINGS).nullable().default(null),
  })
  .strict();

export type PolicyRule = z.output<typeof policyRuleSchema>;

export const policyBodySchema = z
  .object({
    rules: z.array(policyRuleSchema).max(1000),
    reason: z.string().max(1000).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.rules.forEach((r, i) => {
      if (seen.has(r.action)) ctx.addIssue({ code: 'custom', path: ['rules', i, 'action'], message: `action '${r.action}' is listed twice` });
      seen.add(r.action);
    });
  });

/** What the rule needs to know about one signature. */
export interface SignatureFacts {
  id: string;
  signerId: string;
  signerName: string;
  signerRoles: readonly string[];
  meaning: string;
  action: string | null;
  /** False when the signature is broken: it signs another version of the record, or its row was tampered with. */
  valid: boolean;
}

export interface Evaluation {
  action: string;
  needed: number;
  /** The signatures that count, one per person. */
  counted: string[];
  /** Why each other signature does not count. */
  refused: Array<{ id: string; reason: string }>;
  /** Enough signatures if their signers had the required role: the shortfall is authority, not signatures. */
  shortOnlyOfAuthority: boolean;
}

/** Whether the signatures satisfy the action's rule (no rule: nothing needed). */
export function evaluate(action: string, rule: PolicyRule | undefined, signatures: readonly SignatureFacts[]): Evaluation {
  const needed = rule?.signatures ?? 0;
  const counted: string[] = [];
  const refused: Evaluation['refused'] = [];
  const people = new Set<string>();
  const peopleWithoutRole = new Set<string>();
  for (const s of signatures) {
    const refuse = (reason: string) => refused.push({ id: s.id, reason });
    if (s.action !== action) refuse(s.action ? `given for ${s.action}, not ${action}` : `given for no action, not ${action}`);
    else if (!s.valid) refuse('broken: it signs another version of the record');
    else if (rule?.meaning && s.meaning !== rule.meaning) refuse(`means ${s.meaning}; ${action} needs ${rule.meaning}`);
    else if (people.has(s.signerId)) refuse(`${s.signerName} has already signed: a second signature must come from another person`);
    else if (rule?.roles.length && !s.signerRoles.some((r) => rule.roles.includes(r as never))) {
      refuse(`${s.signerName} did not hold the role ${rule.roles.join(' or ')} when signing`);
      peopleWithoutRole.add(s.signerId);
    } else {
      people.add(s.signerId);
      counted.push(s.id);
    }
  }
  const withoutRole = [...peopleWithoutRole].filter((p) => !people.has(p)).length;
  return { action, needed, counted, refused, shortOnlyOfAuthority: counted.length < needed && counted.length + withoutRole >= needed };
}

/**
 * The error for an action short of signatures: 403 when the signatures are there but their signers lack the role,
 * 409 signature_required otherwise (sign, then try again). Undefined when the action may go ahead.
 */
export function shortfall(e: Evaluation, rule: PolicyRule | undefined, what: string): AppError | undefined {
  if (e.counted.length >= e.needed) return undefined;
  const kind = [
    e.needed === 2 ? 'two signatures by two different people' : 'a signature',
    rule?.meaning ? `meaning ${rule.meaning}` : '',
    rule?.roles.length ? `by ${rule.roles.join(' or ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const message = `${e.action} on ${what} needs ${kind} on the record as it is now; ${e.counted.length} of ${e.needed} given`;
  const details = { action: e.action, needed: e.needed, counted: e.counted, refused: e.refused, roles: rule?.roles ?? [], meaning: rule?.meaning ?? null };
  return e.shortOnlyOfAuthority ? new AppError('forbidden', message, details) : new AppError('signature_required', message, details);
}
