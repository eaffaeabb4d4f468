import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEANINGS, evaluate, policyBodySchema, shortfall, type PolicyRule, type SignatureFacts } from './policy.ts';

const ACTION = 'lot.release';
const people = ['ann', 'bob', 'cat', 'dan'];
const roleSets: string[][] = [[], ['quality'], ['supervisor'], ['operator'], ['quality', 'supervisor']];

const signature = fc.record({
  id: fc.uuid(),
  signerId: fc.constantFrom(...people),
  signerRoles: fc.constantFrom(...roleSets),
  meaning: fc.constantFrom(...MEANINGS),
  action: fc.constantFrom<string | null>(ACTION, 'ncr.close', null),
  valid: fc.boolean(),
});

const rule = fc.record({
  action: fc.constant(ACTION),
  signatures: fc.constantFrom<1 | 2>(1, 2),
  roles: fc.constantFrom<PolicyRule['roles']>([], ['quality'], ['supervisor', 'quality']),
  meaning: fc.constantFrom<PolicyRule['meaning']>(null, 'approval', 'review'),
});

const facts = (s: Omit<SignatureFacts, 'signerName'>): SignatureFacts => ({ ...s, signerName: s.signerId.toUpperCase() });

/** The rule written out plainly: a signature qualifies on its own; the people who gave one are what counts. */
function qualifyingPeople(r: PolicyRule, sigs: SignatureFacts[], ignoreRoles = false): Set<string> {
  return new Set(
    sigs
      .filter(
        (s) =>
          s.action === ACTION &&
          s.valid &&
          (!r.meaning || s.meaning === r.meaning) &&
          (ignoreRoles || !r.roles.length || s.signerRoles.some((x) => r.roles.includes(x as never))),
      )
      .map((s) => s.signerId),
  );
}

describe('signature policy', () => {
  it('property: an action goes ahead exactly when enough different people gave a qualifying signature', () => {
    fc.assert(
      fc.property(rule, fc.array(signature, { maxLength: 8 }), (r, raw) => {
        const sigs = raw.map(facts);
        const e = evaluate(ACTION, r, sigs);
        const enough = qualifyingPeople(r, sigs).size >= r.signatures;
        expect(shortfall(e, r, 'lot L1') === undefined).toBe(enough);
        // one signature per person counts, never two
        const signers = e.counted.map((id) => sigs.find((s) => s.id === id)!.signerId);
        expect(new Set(signers).size).toBe(signers.length);
        // every signature is either counted or refused with a reason
        expect(e.counted.length + e.refused.length).toBe(sigs.length);
        for (const f of e.refused) expect(f.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('property: two signatures of one person never satisfy a two-person rule', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...MEANINGS), { minLength: 2, maxLength: 6 }), fc.constantFrom(...people), (meanings, who) => {
        const r: PolicyRule = { action: ACTION, signatures: 2, roles: [], meaning: null };
        const sigs = meanings.map((meaning, i) => facts({ id: `s${i}`, signerId: who, signerRoles: ['quality'], meaning, action: ACTION, valid: true }));
        const err = shortfall(evaluate(ACTION, r, sigs), r, 'lot L1');
        expect(err?.code).toBe('signature_required');
        expect(JSON.stringify(err?.details)).toMatch(/another person/);
      }),
    );
  });

  it("property: the shortfall is 403 when only the signers' roles are missing, 409 otherwise", () => {
    fc.assert(
      fc.property(rule, fc.array(signature, { maxLength: 8 }), (r, raw) => {
        const sigs = raw.map(facts);
        const err = shortfall(evaluate(ACTION, r, sigs), r, 'lot L1');
        if (!err) return;
        const authority = qualifyingPeople(r, sigs, true).size >= r.signatures;
        expect(err.code).toBe(authority ? 'forbidden' : 'signature_required');
      }),
      { numRuns: 1000 },
    );
  });

  it('needs nothing for an action without a rule, and refuses a broken signature with its reason', () => {
    expect(shortfall(evaluate('anything.else', undefined, []), undefined, 'x')).toBeUndefined();
    const r: PolicyRule = { action: ACTION, signatures: 1, roles: [], meaning: null };
    const e = evaluate(ACTION, r, [facts({ id: 's1', signerId: 'ann', signerRoles: [], meaning: 'approval', action: ACTION, valid: false })]);
    expect(e.refused).toEqual([{ id: 's1', reason: 'broken: it signs another version of the record' }]);
    expect(shortfall(e, r, 'lot L1')?.message).toBe('lot.release on lot L1 needs a signature on the record as it is now; 0 of 1 given');
  });

  it('takes a policy with each action once, one or two signatures, known roles and meanings', () => {
    const ok = policyBodySchema.safeParse({
      rules: [
        { action: 'ncr.close', signatures: 1 },
        { action: 'recipe.change', signatures: 2, roles: ['supervisor'], meaning: 'approval' },
      ],
    });
    expect(ok.success && ok.data.rules[0]).toEqual({ action: 'ncr.close', signatures: 1, roles: [], meaning: null });
    for (const bad of [
      {
        rules: [
          { action: 'a.b', signatures: 1 },
          { action: 'a.b', signatures: 2 },
        ],
      },
      { rules: [{ action: 'a.b', signatures: 0 }] },
      { rules: [{ action: 'a.b', signatures: 3 }] },
      { rules: [{ action: 'A B', signatures: 1 }] },
      { rules: [{ action: 'a.b', signatures: 1, roles: ['integration'] }] },
      { rules: [{ action: 'a.b', signatures: 1, meaning: 'witness' }] },
      { rules: [{ action: 'a.b', signatures: 1, extra: true }] },
    ])
      expect(policyBodySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
