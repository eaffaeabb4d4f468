// /quality/skills: operator qualification — the skills catalogue, what requires each skill, people with their skills
// today, and the skills expiring soon; quality engineers and admins add skills and requirements and record trainings.
import { useState } from 'react';
import { api } from '../../platform/api.ts';
import { useUser } from '../../platform/auth.tsx';
import { Badge, Button, ErrorBanner, Modal, PageHeader, Spinner } from '../../platform/components.tsx';
import { errorFor, fieldErrors, SelectField, TextField } from '../../platform/forms.tsx';
import { useResource, useSubmit } from '../../platform/hooks.ts';
import { canEditQuality, type ExpiringSkill, type Requirement, type Skill, type SkillStanding } from '../types.ts';

type Person = { username: string; displayName: string; skills: SkillStanding[] };
type Dialog = 'skill' | 'requirement' | 'training' | null;
const today = () => new Date().toISOString().slice(0, 10);
const TONE: Record<SkillStanding['state'], string> = { valid: 'ok', expired: 'danger', 'not-yet-valid': 'neutral' };
const where = (r: Requirement) =>
  r.kind === 'equipment' ? `machine / work centre ${r.target}` : r.kind === 'operation' ? `operation ${r.seq} of ${r.target}` : `characteristic ${r.target}`;

export function SkillsPage() {
  const user = useUser();
  const edit = canEditQuality(user);
  const [days, setDays] = useState('30');
  const skills = useResource<Skill[]>('/quality/skills');
  const requirements = useResource<Requirement[]>('/quality/skills/requirements');
  const people = useResource<Person[]>('/quality/people');
  const expiring = useResource<ExpiringSkill[]>('/quality/skills/expiring', { days });
  const [dialog, setDialog] = useState<Dialog>(null);
  const done = () => {
    setDialog(null);
    for (const r of [skills, requirements, people, expiring]) void r.reload();
  };
  const error = skills.error ?? requirements.error ?? people.error ?? expiring.error;

  return (
    <div className="page">
      <PageHeader
        title="Skills"
        subtitle="Operator qualification: a station refuses sign-in, and a check its entry, to a person lacking a required, unexpired skill"
        actions={
          edit ? (
            <>
              <Button onClick={() => setDialog('skill')}>New skill</Button> <Button onClick={() => setDialog('requirement')}>Require a skill</Button>{' '}
              <Button variant="primary" onClick={() => setDialog('training')}>
                Record training
              </Button>
            </>
          ) : null
        }
      />
      {error ? <ErrorBanner error={error} onRetry={done} /> : null}
      {!people.data && people.loading && <Spinner label="Loading skills…" />}

      <section className="card q-section" data-testid="expiring">
        <h2>Expiring soon</h2>
        <div className="q-controls">
          <SelectField label="Within" value={days} onValue={setDays} options={['7', '30', '90'].map((d) => ({ value: d, label: `${d} days` }))} />
        </div>
        {expiring.data && expiring.data.length === 0 && <p className="q-muted">No skill expires within {days} days.</p>}
        {expiring.data && expiring.data.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th>Person</th>
                <th>Skill</th>
                <th>Expires</th>
                <th>Days left</th>
              </tr>
            </thead>
            <tbody>
              {expiring.data.map((e) => (
                <tr key={`${e.username}/${e.skill}`}>
                  <td>{e.username}</td>
                  <td>
                    {e.skill} <span className="q-muted">{e.name}</span>
                  </td>
                  <td>{e.expiresOn}</td>
                  <td>
                    <Badge tone={e.daysLeft <= 7 ? 'danger' : 'warn'}>{e.daysLeft}</Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      {people.data && (
        <section className="card q-section">
          <h2>People</h2>
          <div className="table-scroll">
            <table className="table" data-testid="people-skills">
              <thead>
                <tr>
                  <th>Person</th>
                  <th>Skills today</th>
                </tr>
              </thead>
              <tbody>
                {people.data.map((p) => (
                  <tr key={p.username}>
                    <td>
                      <strong>{p.username}</strong> <span className="q-muted">{p.displayName}</span>
                    </td>
                    <td>
                      {p.skills.length === 0 && <span className="q-muted">none</span>}
                      {p.skills.map((s) => (
                        <span
                          key={s.skill}
                          title={`${s.name}: granted ${s.grantedOn}${s.expiresOn ? `, ${s.state === 'expired' ? 'expired' : 'expires'} ${s.expiresOn}` : ''}`}
                        >
                          <Badge tone={TONE[s.state]}>
                            {s.skill}
                            {s.state === 'expired' ? ` expired ${s.expiresOn}` : s.expiresOn ? ` until ${s.expiresOn}` : ''}
                          </Badge>{' '}
                        </span>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      <section className="card q-section">
        <h2>Catalogue and requirements</h2>
        <table className="table" data-testid="skills">
          <thead>
            <tr>
              <th>Skill</th>
              <th>Valid for</th>
              <th>Required by</th>
            </tr>
          </thead>
          <tbody>
            {skills.data?.length === 0 && (
              <tr>
                <td colSpan={3}>No skills yet.</td>
              </tr>
            )}
            {skills.data?.map((s) => (
              <tr key={s.code}>
                <td>
                  <strong>{s.code}</strong> <span className="q-muted">{s.name}</span>
                </td>
                <td>{s.validityMonths === null ? 'no expiry' : `${s.validityMonths} months`}</td>
                <td>
                  {(requirements.data ?? [])
                    .filter((r) => r.skill === s.code)
                    .map(where)
                    .join('; ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {dialog === 'skill' && <SkillDialog onDone={done} onClose={() => setDialog(null)} />}
      {dialog === 'requirement' && <RequirementDialog skills={skills.data ?? []} onDone={done} onClose={() => setDialog(null)} />}
      {dialog === 'training' && <TrainingDialog skills={skills.data ?? []} people={people.data ?? []} onDone={done} onClose={() => setDialog(null)} />}
    </div>
  );
}

function FormDialog({
  title,
  action,
  onSubmit,
  onClose,
  busy,
  error,
  children,
}: {
  title: string;
  action: string;
  onSubmit(): void;
  onClose(): void;
  busy: boolean;
  error: unknown;
  children: React.ReactNode;
}) {
  return (
    <Modal
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={busy} onClick={onSubmit}>
            {action}
          </Button>
        </>
      }
    >
      {error ? <ErrorBanner error={error} /> : null}
      {children}
    </Modal>
  );
}

function SkillDialog({ onDone, onClose }: { onDone(): void; onClose(): void }) {
  const save = useSubmit();
  const [f, setF] = useState({ code: '', name: '', validityMonths: '12' });
  const errors = fieldErrors(save.error);
  const submit = () =>
    save.run(async () => {
      const validityMonths = f.validityMonths.trim() === '' ? null : Number(f.validityMonths);
      await api('/quality/skills', { method: 'POST', body: { code: f.code.trim(), name: f.name.trim(), validityMonths } });
      onDone();
    });
  return (
    <FormDialog title="New skill" action="Add skill" onSubmit={() => void submit()} onClose={onClose} busy={save.busy} error={save.error}>
      <TextField label="Code" value={f.code} onValue={(code) => setF({ ...f, code })} error={errorFor(errors, 'code')} required />
      <TextField label="Name" value={f.name} onValue={(name) => setF({ ...f, name })} error={errorFor(errors, 'name')} required />
      <TextField
        label="Valid for (months)"
        hint="empty: a training never expires"
        inputMode="numeric"
        value={f.validityMonths}
        onValue={(validityMonths) => setF({ ...f, validityMonths })}
        error={errorFor(errors, 'validityMonths')}
      />
    </FormDialog>
  );
}

function RequirementDialog({ skills, onDone, onClose }: { skills: Skill[]; onDone(): void; onClose(): void }) {
  const save = useSubmit();
  const [f, setF] = useState({ skill: skills[0]?.code ?? '', kind: 'equipment', target: '', seq: '' });
  const errors = fieldErrors(save.error);
  const submit = () =>
    save.run(async () => {
      await api('/quality/skills/requirements', {
        method: 'POST',
        body: { skill: f.skill, kind: f.kind, target: f.target.trim(), seq: f.kind === 'operation' ? Number(f.seq) : null },
      });
      onDone();
    });
  return (
    <FormDialog title="Require a skill" action="Require" onSubmit={() => void submit()} onClose={onClose} busy={save.busy} error={save.error}>
      <SelectField
        label="Skill"
        value={f.skill}
        onValue={(skill) => setF({ ...f, skill })}
        options={skills.map((s) => ({ value: s.code, label: `${s.code} — ${s.name}` }))}
        error={errorFor(errors, 'skill')}
      />
      <SelectField
        label="Required by"
        value={f.kind}
        onValue={(kind) => setF({ ...f, kind })}
        options={[
          { value: 'equipment', label: 'A machine or work centre (path)' },
          { value: 'operation', label: 'A routing step (product + seq)' },
          { value: 'characteristic', label: 'A characteristic' },
        ]}
      />
      <TextField
        label={f.kind === 'equipment' ? 'Equipment path' : f.kind === 'operation' ? 'Product' : 'Characteristic'}
        value={f.target}
        onValue={(target) => setF({ ...f, target })}
        error={errorFor(errors, 'target')}
        required
      />
      {f.kind === 'operation' && (
        <TextField label="Operation seq" inputMode="numeric" value={f.seq} onValue={(seq) => setF({ ...f, seq })} error={errorFor(errors, 'seq')} />
      )}
    </FormDialog>
  );
}

function TrainingDialog({ skills, people, onDone, onClose }: { skills: Skill[]; people: Person[]; onDone(): void; onClose(): void }) {
  const save = useSubmit();
  const [f, setF] = useState({ person: people[0]?.username ?? '', skill: skills[0]?.code ?? '', grantedOn: today(), trainer: '', evidence: '' });
  const errors = fieldErrors(save.error);
  const submit = () =>
    save.run(async () => {
      await api(`/quality/people/${encodeURIComponent(f.person)}/skills`, {
        method: 'POST',
        body: { skill: f.skill, grantedOn: f.grantedOn, trainer: f.trainer.trim(), evidence: f.evidence.trim() || null },
      });
      onDone();
    });
  return (
    <FormDialog title="Record training" action="Record" onSubmit={() => void submit()} onClose={onClose} busy={save.busy} error={save.error}>
      <SelectField
        label="Person"
        value={f.person}
        onValue={(person) => setF({ ...f, person })}
        options={people.map((p) => ({ value: p.username, label: `${p.username} — ${p.displayName}` }))}
      />
      <SelectField
        label="Skill"
        value={f.skill}
        onValue={(skill) => setF({ ...f, skill })}
        options={skills.map((s) => ({ value: s.code, label: `${s.code} — ${s.name}` }))}
        error={errorFor(errors, 'skill')}
      />
      <TextField label="Granted on" type="date" value={f.grantedOn} onValue={(grantedOn) => setF({ ...f, grantedOn })} error={errorFor(errors, 'grantedOn')} />
      <TextField label="Trainer" value={f.trainer} onValue={(trainer) => setF({ ...f, trainer })} error={errorFor(errors, 'trainer')} required />
      <TextField
        label="Evidence"
        hint="a form number, a document reference"
        value={f.evidence}
        onValue={(evidence) => setF({ ...f, evidence })}
        error={errorFor(errors, 'evidence')}
      />
    </FormDialog>
  );
}
