// /quality/gauges: the gauge register by due date, coloured by state (overdue, failed and not calibrated red, due soon
// amber, out of service grey), the calibrate dialog and, for quality engineers and admins, registering a gauge.
import { useState } from 'react';
import { api } from '../../platform/api.ts';
import { useUser } from '../../platform/auth.tsx';
import { Badge, Button, ErrorBanner, Modal, PageHeader, Spinner } from '../../platform/components.tsx';
import { errorFor, fieldErrors, SelectField, TextField } from '../../platform/forms.tsx';
import { useResource, useSubmit } from '../../platform/hooks.ts';
import { canEditQuality, type GaugeView } from '../types.ts';

const STATE: Record<GaugeView['state'], { tone: string; label: string }> = {
  ok: { tone: 'ok', label: 'OK' },
  'due-soon': { tone: 'warn', label: 'Due soon' },
  overdue: { tone: 'danger', label: 'Overdue' },
  failed: { tone: 'danger', label: 'Failed' },
  'not-calibrated': { tone: 'danger', label: 'Not calibrated' },
  'out-of-service': { tone: 'neutral', label: 'Out of service' },
};
const WITHIN = ['7', '30', '90'];
const today = () => new Date().toISOString().slice(0, 10);

export function GaugesPage() {
  const user = useUser();
  const [days, setDays] = useState('30');
  const [dueOnly, setDueOnly] = useState(false);
  const gauges = useResource<GaugeView[]>('/quality/gauges', { days, due: dueOnly ? 'true' : 'false' });
  const [calibrating, setCalibrating] = useState<GaugeView | null>(null);
  const [adding, setAdding] = useState(false);
  const edit = canEditQuality(user);
  const done = () => {
    setCalibrating(null);
    setAdding(false);
    void gauges.reload();
  };

  return (
    <div className="page">
      <PageHeader
        title="Gauges"
        subtitle="The gauge register by due date: a manual check with an overdue, failed or out-of-service gauge is refused or flagged, per gauge"
        actions={
          edit ? (
            <Button variant="primary" onClick={() => setAdding(true)}>
              Register gauge
            </Button>
          ) : null
        }
      />
      <div className="q-controls">
        <SelectField label="Due soon: within" value={days} onValue={setDays} options={WITHIN.map((d) => ({ value: d, label: `${d} days` }))} />
        <label>
          <span>
            <input type="checkbox" checked={dueOnly} onChange={(e) => setDueOnly(e.target.checked)} /> Only overdue and due soon
          </span>
        </label>
      </div>
      {gauges.error ? <ErrorBanner error={gauges.error} onRetry={gauges.reload} /> : null}
      {!gauges.data && gauges.loading && <Spinner label="Loading gauges…" />}
      {gauges.data && (
        <section className="card q-section">
          <div className="table-scroll">
            <table className="table" data-testid="gauges">
              <thead>
                <tr>
                  <th>Gauge</th>
                  <th>Type</th>
                  <th>Location</th>
                  <th>Interval</th>
                  <th>Last calibrated</th>
                  <th>Due</th>
                  <th>State</th>
                  <th>When overdue</th>
                  {edit && <th />}
                </tr>
              </thead>
              <tbody>
                {gauges.data.length === 0 && (
                  <tr>
                    <td colSpan={edit ? 9 : 8}>No gauges{dueOnly ? ' due' : ''}.</td>
                  </tr>
                )}
                {gauges.data.map((g) => (
                  <tr key={g.id} data-state={g.state}>
                    <td>
                      <strong>{g.id}</strong> <span className="q-muted">{g.name}</span>
                    </td>
                    <td>{g.type ?? '—'}</td>
                    <td>{g.location ?? '—'}</td>
                    <td>{g.intervalDays} d</td>
                    <td>
                      {g.lastCalibrated ?? '—'}
                      {g.lastResult === 'fail' ? ' (failed)' : ''}
                    </td>
                    <td>{g.dueOn ?? '—'}</td>
                    <td>
                      <Badge tone={STATE[g.state].tone}>{STATE[g.state].label}</Badge>
                    </td>
                    <td>{g.onOverdue === 'refuse' ? 'Refuse manual checks' : 'Flag'}</td>
                    {edit && (
                      <td>
                        <Button onClick={() => setCalibrating(g)}>Calibrate</Button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {calibrating && <CalibrateDialog gauge={calibrating} onDone={done} onClose={() => setCalibrating(null)} />}
      {adding && <RegisterDialog onDone={done} onClose={() => setAdding(false)} />}
    </div>
  );
}

function CalibrateDialog({ gauge, onDone, onClose }: { gauge: GaugeView; onDone(): void; onClose(): void }) {
  const save = useSubmit();
  const [f, setF] = useState({ calibratedOn: today(), result: 'pass', calibratedBy: '', certificate: '' });
  const errors = fieldErrors(save.error);
  const submit = () =>
    save.run(async () => {
      await api(`/quality/gauges/${encodeURIComponent(gauge.id)}/calibrations`, {
        method: 'POST',
        body: { calibratedOn: f.calibratedOn, result: f.result, calibratedBy: f.calibratedBy.trim(), certificate: f.certificate.trim() || null },
      });
      onDone();
    });
  return (
    <Modal
      title={`Calibrate ${gauge.id}`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={save.busy} onClick={() => void submit()}>
            Record calibration
          </Button>
        </>
      }
    >
      {save.error ? <ErrorBanner error={save.error} /> : null}
      <p className="q-muted">A pass moves the due date {gauge.intervalDays} days past its day; a fail takes the gauge out of use until one passes.</p>
      <TextField
        label="Calibrated on"
        type="date"
        value={f.calibratedOn}
        onValue={(calibratedOn) => setF({ ...f, calibratedOn })}
        error={errorFor(errors, 'calibratedOn')}
      />
      <SelectField
        label="Result"
        value={f.result}
        onValue={(result) => setF({ ...f, result })}
        options={[
          { value: 'pass', label: 'Pass' },
          { value: 'fail', label: 'Fail' },
        ]}
      />
      <TextField
        label="Calibrated by"
        value={f.calibratedBy}
        onValue={(calibratedBy) => setF({ ...f, calibratedBy })}
        error={errorFor(errors, 'calibratedBy')}
        required
      />
      <TextField label="Certificate" value={f.certificate} onValue={(certificate) => setF({ ...f, certificate })} error={errorFor(errors, 'certificate')} />
    </Modal>
  );
}

function RegisterDialog({ onDone, onClose }: { onDone(): void; onClose(): void }) {
  const save = useSubmit();
  const [f, setF] = useState({ id: '', name: '', type: '', location: '', intervalDays: '365', lastCalibrated: today(), onOverdue: 'refuse' });
  const errors = fieldErrors(save.error);
  const set = (p: Partial<typeof f>) => setF({ ...f, ...p });
  const submit = () =>
    save.run(async () => {
      await api('/quality/gauges', {
        method: 'POST',
        body: {
          id: f.id.trim(),
          name: f.name.trim(),
          type: f.type.trim() || null,
          location: f.location.trim() || null,
          intervalDays: Number(f.intervalDays),
          lastCalibrated: f.lastCalibrated || null,
          onOverdue: f.onOverdue,
        },
      });
      onDone();
    });
  return (
    <Modal
      title="Register gauge"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={save.busy} onClick={() => void submit()}>
            Register
          </Button>
        </>
      }
    >
      {save.error ? <ErrorBanner error={save.error} /> : null}
      <TextField label="Id" value={f.id} onValue={(id) => set({ id })} error={errorFor(errors, 'id')} required />
      <TextField label="Name" value={f.name} onValue={(name) => set({ name })} error={errorFor(errors, 'name')} required />
      <TextField label="Type" value={f.type} onValue={(type) => set({ type })} error={errorFor(errors, 'type')} />
      <TextField label="Location" value={f.location} onValue={(location) => set({ location })} error={errorFor(errors, 'location')} />
      <TextField
        label="Interval (days)"
        inputMode="numeric"
        value={f.intervalDays}
        onValue={(intervalDays) => set({ intervalDays })}
        error={errorFor(errors, 'intervalDays')}
      />
      <TextField
        label="Last calibrated"
        type="date"
        value={f.lastCalibrated}
        onValue={(lastCalibrated) => set({ lastCalibrated })}
        error={errorFor(errors, 'lastCalibrated')}
      />
      <SelectField
        label="A manual check while overdue"
        value={f.onOverdue}
        onValue={(onOverdue) => set({ onOverdue })}
        options={[
          { value: 'refuse', label: 'Refuse it' },
          { value: 'flag', label: 'Store it flagged' },
        ]}
      />
    </Modal>
  );
}
