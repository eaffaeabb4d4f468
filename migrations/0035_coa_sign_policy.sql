-- Certificates of analysis are guarded by the signature policy like other actions (issue #15): coa.sign says how many
-- signatures (one or two), by which roles and with which meaning a lot's certificate needs before it counts as
-- approved. The starting rule: one approval by quality. An admin changes it with PUT /api/signatures/policy; a policy
-- that already names coa.sign keeps its own rule.
INSERT INTO signature_policy (action, signatures, roles, meaning) VALUES ('coa.sign', 1, '{quality}', 'approval')
ON CONFLICT (action) DO NOTHING;
