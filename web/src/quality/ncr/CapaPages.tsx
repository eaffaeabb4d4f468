// /quality/capas: corrective and preventive actions, overdue actions marked (or only them), a new CAPA; and
// /quality/capas/<id>: its root cause (5 Why, Ishikawa category) to edit, its actions to mark done or add, its NCRs and
// the effectiveness check.
import { useState } from 'react';
import { api } from '../../platform/api.ts';
import { Badge, Button, Empty, ErrorBanner, PageHeader, Spinner } from '../../platform/components.tsx';
import { formatDateTime } from '../../platform/format.ts';
import { errorFor, fieldErrors, SelectField, TextAreaField, TextField } from '../../platform/forms.tsx';
import { useResource, useSubmit } from '../../platform/hooks.ts';
import { Link, navigate } from '../../platform/router.tsx';
import { CATEGORY_LABEL, codesOf, type Capa, type CapaAction, type CapaRow } from './types.ts';

const categories = Object.entries(CATEGORY_LABEL).map(([value, label]) => ({ value, label }));
const today = () => new Date().toISOString().slice(0, 10);

export function CapaList() {
  const [overdue, setOverdue] = useState(false);
  const list = useResource<Array<CapaRow & { actions: CapaAction[] }>>('/quality/capas', { overdue: overdue ? 'true' : undefined });
  const [title, setTitle] = useState('');
  const create = useSubmit();
  return (
    <div className="page" data-testid="capa-list">
      <PageHeader title="CAPA" subtitle={<Link to="/quality/ncrs">Nonconformances</Link>} />
      <div className="filter-actions">
        <label>
          <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> Only overdue actions
        </label>
        <form
          className="filter-actions"
          onSubmit={(e) => {
            e.preventDefault();
            void create.run(async () =>
              navigate(`/quality/capas/${(await api<Capa>('/quality/capas', { method: 'POST', body: { title: title.trim() } })).id}`),
            );
          }}
        >
          <TextField
            label="New CAPA"
            placeholder="the problem in a line"
            value={title}
            onValue={setTitle}
            error={errorFor(fieldErrors(create.error), 'title')}
          />
          <Button variant="primary" type="submit" busy={create.busy}>
            Open CAPA
          </Button>
        </form>
      </div>
      <ErrorBanner error={list.error ?? create.error} onRetry={() => void list.reload()} />
      {list.data?.length === 0 && <Empty title={overdue ? 'No overdue actions' : 'No CAPAs'} />}
      {list.data && list.data.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>CAPA</th>
              <th>Problem</th>
              <th>Category</th>
              <th>Actions</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((c) => {
              const late = c.actions.filter((a) => a.overdue).length;
              return (
                <tr key={c.id} className={late ? 'capa-overdue' : undefined}>
                  <td>
                    <Link to={`/quality/capas/${c.id}`}>{c.id}</Link>
                  </td>
                  <td>{c.title}</td>
                  <td>{c.category ? CATEGORY_LABEL[c.category] : '—'}</td>
                  <td>
                    {c.actions.length} {late > 0 && <Badge tone="danger">{late} overdue</Badge>}
                  </td>
                  <td>
                    <Badge tone={c.status === 'closed' ? 'ok' : 'warn'}>{c.status}</Badge>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function CapaDetail({ id }: { id: string }) {
  const capa = useResource<Capa>(`/quality/capas/${id}`);
  const c = capa.data;
  if (!c) return <div className="page">{capa.error ? <ErrorBanner error={capa.error} onRetry={() => void capa.reload()} /> : <Spinner />}</div>;
  return <CapaEditor key={c.version} capa={c} reload={() => void capa.reload()} />;
}

function CapaEditor({ capa: c, reload }: { capa: Capa; reload(): void }) {
  const [f, setF] = useState({
    title: c.title,
    problem: c.problem,
    whys: [...c.whys, '', '', '', '', ''].slice(0, 5),
    category: c.category ?? '',
    rootCause: c.rootCause,
    ncrs: c.ncrs.join(', '),
  });
  const [action, setAction] = useState({ kind: 'corrective', description: '', owner: '', dueDate: '' });
  const [check, setCheck] = useState({ result: 'effective', note: '' });
  const save = useSubmit();
  const errors = fieldErrors(save.error);
  const open = c.status === 'open';
  const call = (path: string, method: 'POST' | 'PATCH', body: unknown) =>
    save.run(async () => {
      await api(`/quality/capas/${c.id}${path}`, { method, body });
      reload();
    });
  return (
    <div className="page" data-testid="capa-detail">
      <PageHeader
        title={
          <>
            {c.id}: {c.title} <Badge tone={open ? 'warn' : 'ok'}>{c.status}</Badge>
          </>
        }
        subtitle={<Link to="/quality/capas">All CAPAs</Link>}
      />
      <ErrorBanner error={save.error} />
      <section className="card q-section">
        <h2>Root cause</h2>
        <div className="form-grid">
          <TextField label="Title" value={f.title} disabled={!open} onValue={(title) => setF((x) => ({ ...x, title }))} error={errorFor(errors, 'title')} />
          <SelectField
            label="Ishikawa category"
            value={f.category}
            placeholder="Not yet known"
            options={categories}
            disabled={!open}
            onValue={(category) => setF((x) => ({ ...x, category }))}
          />
          <TextField
            label="Linked NCRs"
            value={f.ncrs}
            hint="NCR-1, NCR-7"
            disabled={!open}
            onValue={(ncrs) => setF((x) => ({ ...x, ncrs }))}
            error={errorFor(errors, 'ncrs')}
          />
        </div>
        <TextAreaField label="Problem" value={f.problem} disabled={!open} onValue={(problem) => setF((x) => ({ ...x, problem }))} />
        {f.whys.map((w, i) => (
          <TextField
            // biome-ignore lint/suspicious/noArrayIndexKey: the five whys are positions, not records
            key={i}
            label={`Why ${i + 1}`}
            value={w}
            disabled={!open}
            onValue={(v) => setF((x) => ({ ...x, whys: x.whys.map((y, j) => (j === i ? v : y)) }))}
          />
        ))}
        <TextAreaField label="Root cause" value={f.rootCause} disabled={!open} onValue={(rootCause) => setF((x) => ({ ...x, rootCause }))} />
        {open && (
          <Button
            variant="primary"
            busy={save.busy}
            onClick={() =>
              void call('', 'PATCH', {
                title: f.title.trim(),
                problem: f.problem,
                whys: f.whys.map((w) => w.trim()).filter(Boolean),
                category: f.category || null,
                rootCause: f.rootCause,
                ncrs: codesOf(f.ncrs),
              })
            }
          >
            Save
          </Button>
        )}
        {c.ncrs.length > 0 && (
          <p>
            NCRs:{' '}
            {c.ncrs.map((n) => (
              <Link key={n} to={`/quality/ncrs/${n}`}>
                {n}{' '}
              </Link>
            ))}
          </p>
        )}
      </section>
      <section className="card q-section" data-testid="capa-actions">
        <h2>Actions</h2>
        <table className="table">
          <thead>
            <tr>
              <th>Kind</th>
              <th>What</th>
              <th>Owner</th>
              <th>Due</th>
              <th>Done</th>
            </tr>
          </thead>
          <tbody>
            {c.actions.map((a: CapaAction) => (
              <tr key={a.id} className={a.overdue ? 'capa-overdue' : undefined}>
                <td>{a.kind}</td>
                <td>{a.description}</td>
                <td>{a.owner}</td>
                <td>
                  {a.dueDate} {a.overdue && <Badge tone="danger">overdue</Badge>}
                </td>
                <td>
                  {a.doneDate ??
                    (open && (
                      <Button variant="ghost" onClick={() => void call(`/actions/${a.id}`, 'PATCH', { doneDate: today() })}>
                        Mark done
                      </Button>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {open && (
          <div className="form-grid">
            <SelectField
              label="Kind"
              value={action.kind}
              options={[
                { value: 'corrective', label: 'Corrective' },
                { value: 'preventive', label: 'Preventive' },
              ]}
              onValue={(kind) => setAction((x) => ({ ...x, kind }))}
            />
            <TextField
              label="Action"
              value={action.description}
              onValue={(description) => setAction((x) => ({ ...x, description }))}
              error={errorFor(errors, 'description')}
            />
            <TextField label="Owner" value={action.owner} onValue={(owner) => setAction((x) => ({ ...x, owner }))} error={errorFor(errors, 'owner')} />
            <TextField
              label="Due date"
              type="date"
              value={action.dueDate}
              onValue={(dueDate) => setAction((x) => ({ ...x, dueDate }))}
              error={errorFor(errors, 'dueDate')}
            />
            <Button onClick={() => void call('/actions', 'POST', action)}>Add action</Button>
          </div>
        )}
      </section>
      <section className="card q-section">
        <h2>Effectiveness</h2>
        {c.effectiveness && (
          <p>
            {c.effectiveness === 'effective' ? 'Effective' : 'Not effective'} — {c.effectivenessNote} ({c.effectivenessBy}, {formatDateTime(c.effectivenessAt!)}
            )
          </p>
        )}
        {open && (
          <div className="form-grid">
            <SelectField
              label="Result"
              value={check.result}
              options={[
                { value: 'effective', label: 'Effective (closes the CAPA)' },
                { value: 'not_effective', label: 'Not effective' },
              ]}
              onValue={(result) => setCheck((x) => ({ ...x, result }))}
            />
            <TextField label="Evidence" value={check.note} onValue={(note) => setCheck((x) => ({ ...x, note }))} />
            <Button onClick={() => void call('/effectiveness', 'POST', { result: check.result, ...(check.note.trim() ? { note: check.note.trim() } : {}) })}>
              Record check
            </Button>
          </div>
        )}
      </section>
    </div>
  );
}
