// What modules use of the e-signature service: it reaches them as ctx.signatures (AppContext).
export { canonicalJson, recordHash } from './canonical.ts';
export { MEANINGS, type Meaning, type PolicyRule, type Evaluation } from './policy.ts';
export { SignatureService, type RecordLoader, type SignInput, type SignatureView, type RecordSignatures, type SignedTarget } from './signatures.service.ts';
