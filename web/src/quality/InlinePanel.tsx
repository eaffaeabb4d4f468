// A characteristic's in-line measurement on its page (docs/quality.md, "In-line measurements"): the machine tag whose
// every stored value becomes a measurement of it, or none. Everyone sees it (read from
// GET /api/quality/machine-tags?characteristic=, [] = not measured in-line); quality engineers and admins pick a
// machine of the plant model and one of its tags (GET /api/equipment and /api/equipment/{id}/tags, the tags collect
// accepts for it), save (PUT …/machine-tag) or remove (DELETE) the mapping. The server checks every rule (an I–MR
// chart, the machine and the tag in the plant model, one characteristic per tag); its refusals are shown at their
// fields or above the form.
import { useState } from 'react';
import type { PublicEquipment } from '../../../src/plant/index.ts';
import { api } from '../platform/api.ts';
import { Button, ErrorBanner } from '../platform/components.tsx';
import { formatDateTime } from '../platform/format.ts';
import { errorFor, fieldErrors, SelectField } from '../platform/forms.tsx';
import { useResource, useSubmit } from '../platform/hooks.ts';

interface TagMapping {
  characteristic: string;
  equipmentId: string;
  equipment: string;
  tag: string;
  createdBy: string;
  createdAt: string;
}

interface TagInfo {
  tag: string;
  role: string;
  unit: string | null;
}

type Equipment = Pick<PublicEquipment, 'id' | 'path' | 'name' | 'level'>;

export function InlinePanel({ characteristic, chart, canEdit }: { characteristic: string; chart: string; canEdit: boolean }) {
  const path = `/quality/characteristics/${encodeURIComponent(characteristic)}/machine-tag`;
  // the list answers [] when there is none (the single mapping's GET answers 404, which a browser logs as an error)
  const list = useResource<TagMapping[]>('/quality/machine-tags', { characteristic });
  const mapping = list.data ? (list.data[0] ?? null) : undefined;
  const { error, reload } = list;
  const [editing, setEditing] = useState(false);
  return (
    <section className="card q-section" data-testid="q-inline" aria-label="Measured in-line">
      <div className="signatures-head">
        <h2>Measured in-line</h2>
        {canEdit && mapping !== undefined && !editing && <Button onClick={() => setEditing(true)}>{mapping ? 'Change tag' : 'Measure in-line'}</Button>}
      </div>
      <ErrorBanner error={error} onRetry={() => void reload()} />
      {mapping !== undefined && !editing && (
        <p data-testid="q-inline-summary">
          {mapping ? (
            <>
              Every value machine <strong>{mapping.equipment}</strong> reports for tag <strong>{mapping.tag}</strong> becomes a measurement.
              <span className="q-muted">
                {' '}
                Mapped by {mapping.createdBy}, {formatDateTime(mapping.createdAt)}.
              </span>
            </>
          ) : (
            'Not measured in-line: no machine tag feeds this characteristic.'
          )}
        </p>
      )}
      {mapping !== undefined && editing && (
        <InlineForm
          path={path}
          mapping={mapping}
          chart={chart}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            void reload();
          }}
        />
      )}
    </section>
  );
}

function InlineForm({
  path,
  mapping,
  chart,
  onCancel,
  onSaved,
}: {
  path: string;
  mapping: TagMapping | null;
  chart: string;
  onCancel(): void;
  onSaved(): void;
}) {
  const equipment = useResource<Equipment[]>('/equipment');
  const [machine, setMachine] = useState(mapping?.equipmentId ?? '');
  const [tag, setTag] = useState(mapping?.tag ?? '');
  const tags = useResource<TagInfo[]>(machine ? `/equipment/${encodeURIComponent(machine)}/tags` : null);
  const save = useSubmit();
  const errors = fieldErrors(save.error);
  const machines = (equipment.data ?? []).filter((e) => e.level === 'machine' || e.id === mapping?.equipmentId);
  const put = () =>
    save.run(async () => {
      const eq = machines.find((e) => e.id === machine);
      await api(path, { method: 'PUT', body: { equipment: eq?.path ?? machine, tag } });
      onSaved();
    });
  const remove = () =>
    save.run(async () => {
      await api(path, { method: 'DELETE' });
      onSaved();
    });
  return (
    <form
      data-testid="q-inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        void put();
      }}
    >
      {chart !== 'i-mr' && (
        <p className="q-muted">In-line values are individual measurements: only a characteristic charted I–MR takes them (this one is {chart}).</p>
      )}
      <ErrorBanner error={save.error} />
      <ErrorBanner error={equipment.error ?? tags.error} />
      <div className="form-grid">
        <SelectField
          label="Machine"
          value={machine}
          placeholder="Choose…"
          options={machines.map((e) => ({ value: e.id, label: `${e.name} — ${e.path}` }))}
          onValue={(v) => {
            setMachine(v);
            setTag('');
          }}
          error={errorFor(errors, 'equipment')}
        />
        <SelectField
          label="Tag"
          value={tag}
          placeholder={machine ? 'Choose…' : 'Choose a machine first'}
          disabled={!machine || !tags.data}
          options={(tags.data ?? []).map((t) => ({ value: t.tag, label: `${t.tag} (${t.role}${t.unit ? `, ${t.unit}` : ''})` }))}
          onValue={setTag}
          error={errorFor(errors, 'tag')}
        />
      </div>
      <div className="row-end">
        <Button onClick={onCancel}>Cancel</Button>
        {mapping && (
          <Button variant="danger" onClick={() => void remove()} busy={save.busy}>
            Stop measuring in-line
          </Button>
        )}
        <Button type="submit" variant="primary" busy={save.busy} disabled={!machine || !tag}>
          Save tag
        </Button>
      </div>
    </form>
  );
}
