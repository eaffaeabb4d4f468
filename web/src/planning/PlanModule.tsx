// The "Plan" page: start a schedule of the released orders (with progress), the versions, a Gantt chart per machine
// coloured by due-date risk with the published plan as ghosts, moving an operation, publishing, and the proposals Takt
// makes when a machine goes down or a rush order arrives.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../platform/api.ts';
import { canEditPlant, useAuth } from '../platform/auth.tsx';
import { Banner, Button, Empty, ErrorBanner, PageHeader, Spinner, useToast } from '../platform/components.tsx';
import { formatDateTime, formatTimesIn } from '../platform/format.ts';
import { useResource, useSubmit } from '../platform/hooks.ts';
import { Gantt } from './Gantt.tsx';
import { MovePanel } from './MovePanel.tsx';
import { duration, REASON_LABEL, RISK_COLOUR, RISK_LABEL, type Assignment, type Version, type VersionSummary } from './types.ts';
import { ProgressBar, VersionList } from './VersionList.tsx';
import './planning.css';

export default function PlanModule() {
  const { user } = useAuth();
  const canEdit = canEditPlant(user);
  const toast = useToast();
  const [versions, setVersions] = useState<VersionSummary[] | undefined>();
  const [listError, setListError] = useState<unknown>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [detail, setDetail] = useState<Version | undefined>();
  const [published, setPublished] = useState<Version | undefined>();
  const [compare, setCompare] = useState(true);
  const [op, setOp] = useState<Assignment | null>(null);
  const [objective, setObjective] = useState('lexicographic');
  const [limit, setLimit] = useState(10);
  // released orders are what a plan schedules: the empty page says how many wait
  const released = useResource<Array<{ id: string }>>(versions?.length === 0 ? '/orders' : null, { status: 'released', limit: 10_000 });
  const start = useSubmit();
  const publish = useSubmit();
  const dragMove = useSubmit();

  const loadList = useCallback(async () => {
    try {
      const list = await api<VersionSummary[]>('/schedules', { query: { limit: 30 } });
      setVersions(list);
      setListError(null);
      setSelectedId((cur) => cur ?? list.find((v) => v.status === 'published')?.id ?? list.find((v) => v.status !== 'failed')?.id ?? null);
    } catch (err) {
      setListError(err);
    }
  }, []);
  const running = versions?.some((v) => v.status === 'running') ?? false;
  useEffect(() => {
    void loadList();
    const t = setInterval(() => void loadList(), running ? 1000 : 10_000);
    return () => clearInterval(t);
  }, [loadList, running]);

  const summary = versions?.find((v) => v.id === selectedId);
  const publishedId = versions?.find((v) => v.status === 'published')?.id ?? null;
  useEffect(() => {
    if (selectedId === null) return setDetail(undefined);
    let live = true;
    api<Version>(`/schedules/${selectedId}`).then(
      (v) => live && setDetail(v),
      () => live && setDetail(undefined),
    );
    return () => {
      live = false;
    };
  }, [selectedId, summary?.status]);
  useEffect(() => {
    if (publishedId === null) return setPublished(undefined);
    let live = true;
    api<Version>(`/schedules/${publishedId}`).then(
      (v) => live && setPublished(v),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [publishedId]);
  useEffect(() => setOp(null), [selectedId]);

  const proposals = useMemo(
    () =>
      (versions ?? []).filter(
        (v) => v.status === 'ready' && (v.reason === 'machine-down' || v.reason === 'rush-order') && (publishedId === null || v.id > publishedId),
      ),
    [versions, publishedId],
  );

  const newPlan = () =>
    start.run(async () => {
      const r = await api<{ id: number }>('/schedules', { method: 'POST', body: { objective, timeLimitS: limit } });
      setSelectedId(r.id);
      await loadList();
    });
  const doPublish = (id: number) =>
    publish.run(async () => {
      const r = await api<{ planned: number }>(`/schedules/${id}/publish`, { method: 'POST' });
      toast(`Plan ${id} published: ${r.planned} operations in the dispatch lists`);
      await loadList();
    });

  const machines = detail?.stats.machines ?? [];
  const shown = detail && (detail.status === 'ready' || detail.status === 'published' || detail.status === 'superseded');
  return (
    <div className="page">
      <PageHeader
        title="Plan"
        subtitle="Finite-capacity schedule of the released orders: shift calendars, changeovers by product family, machines down and running work included"
        actions={
          canEdit && (
            <div className="plan-controls">
              <label>
                Objective
                <select value={objective} onChange={(e) => setObjective(e.target.value)} data-testid="plan-objective">
                  <option value="lexicographic">late orders first, then the end</option>
                  <option value="tardiness">weighted lateness</option>
                  <option value="makespan">earliest end (makespan)</option>
                </select>
              </label>
              <label>
                Search time (s)
                <input type="number" min={1} max={120} value={limit} onChange={(e) => setLimit(Math.min(120, Math.max(1, Number(e.target.value) || 10)))} />
              </label>
              <Button variant="primary" busy={start.busy} onClick={() => void newPlan()}>
                New plan
              </Button>
            </div>
          )
        }
      />
      <ErrorBanner error={start.error ?? listError ?? publish.error ?? dragMove.error} />
      {proposals.map((p) => (
        <Banner key={p.id} kind="warn">
          <span data-testid="plan-proposal">
            Takt proposes a repaired plan ({REASON_LABEL[p.reason]}
            {p.reasonDetail ? `: ${formatTimesIn(p.reasonDetail)}` : ''}) that keeps {p.stats.kept ?? 0} operations in place.{' '}
          </span>
          <Button variant="ghost" onClick={() => setSelectedId(p.id)}>
            Review plan {p.id}
          </Button>
          {canEdit && (
            <Button variant="primary" busy={publish.busy} onClick={() => void doPublish(p.id)}>
              Accept and publish
            </Button>
          )}
        </Banner>
      ))}
      {!versions ? (
        <Spinner label="Loading plans…" />
      ) : versions.length === 0 ? (
        <Empty title="No plan yet">
          <span data-testid="plan-empty">
            {released.error
              ? 'Release orders, then start a new plan.'
              : !released.data
                ? 'Counting the released orders…'
                : released.data.length === 0
                  ? 'No released orders to plan: release orders, then start a new plan.'
                  : `${released.data.length === 1 ? '1 released order is' : `${released.data.length} released orders are`} waiting to be planned${canEdit ? ': press New plan to schedule them.' : '.'}`}
          </span>
        </Empty>
      ) : (
        <div className="plan-layout">
          <aside>
            <VersionList versions={versions} selected={selectedId} onSelect={setSelectedId} />
          </aside>
          <section className="plan-main">
            {summary?.status === 'running' && (
              <div className="card">
                <strong>Plan {summary.id} is being computed…</strong>
                <ProgressBar v={summary} />
              </div>
            )}
            {summary?.status === 'failed' && (
              <Banner kind="warn">
                Plan {summary.id} failed: {summary.error}
              </Banner>
            )}
            {shown && detail && (
              <>
                <div className="plan-head">
                  <h2>
                    Plan {detail.id} <small>{detail.status}</small>
                  </h2>
                  <label className="plan-toggle">
                    <input type="checkbox" checked={compare} onChange={(e) => setCompare(e.target.checked)} /> compare with published
                  </label>
                  {canEdit && detail.status === 'ready' && (
                    <Button variant="primary" busy={publish.busy} onClick={() => void doPublish(detail.id)}>
                      Publish
                    </Button>
                  )}
                </div>
                <div className="plan-kpis" data-testid="plan-kpis">
                  <div className="plan-kpi">
                    <div className="v">{duration(detail.kpis.makespanS)}</div>
                    <div className="d">plan ends {formatDateTime(detail.kpis.makespanEnd ?? null)}</div>
                  </div>
                  <div className="plan-kpi">
                    <div className="v">{detail.lateOrders.length}</div>
                    <div className="d">late orders</div>
                  </div>
                  <div className="plan-kpi">
                    <div className="v">{Math.round((detail.kpis.totalWeightedTardiness ?? 0) / 3600)}</div>
                    <div className="d">weighted lateness (h × weight)</div>
                  </div>
                  <div className="plan-kpi">
                    <div className="v">{detail.diff ? detail.diff.moved.length : '–'}</div>
                    <div className="d">{detail.diff ? `moved vs plan ${detail.publishedId} (+${detail.diff.added} new)` : 'moved vs published'}</div>
                  </div>
                </div>
                <div className="plan-legend">
                  {(Object.keys(RISK_COLOUR) as Array<keyof typeof RISK_COLOUR>).map((r) => (
                    <span key={r}>
                      <i style={{ background: RISK_COLOUR[r] }} /> {RISK_LABEL[r]}
                    </span>
                  ))}
                  {compare && published && published.id !== detail.id && (
                    <span>
                      <i className="ghost" /> published plan {published.id}
                    </span>
                  )}
                  <span>Drag a bar to another time or machine, or tap it to move it exactly.</span>
                </div>
                <div className="card plan-chart">
                  <Gantt
                    machines={machines}
                    assignments={detail.assignments}
                    ghosts={compare && published && published.id !== detail.id ? published.assignments : undefined}
                    selected={op}
                    onSelect={setOp}
                    onDrop={
                      canEdit
                        ? (a, machine, startAt) =>
                            void dragMove.run(async () => {
                              if (!a.eligible.includes(machine))
                                throw new Error(
                                  `${machine.split('/').pop()} cannot run ${a.orderId}/${a.seq}: it runs on ${a.eligible.map((m) => m.split('/').pop()).join(', ')}`,
                                );
                              const r = await api<{ id: number }>(`/schedules/${detail.id}/move`, {
                                method: 'POST',
                                body: { orderId: a.orderId, seq: a.seq, machine, start: startAt },
                              });
                              setOp(null);
                              setSelectedId(r.id);
                              await loadList();
                            })
                        : undefined
                    }
                  />
                </div>
                {op && (
                  <MovePanel
                    versionId={detail.id}
                    op={op}
                    canEdit={canEdit}
                    onClose={() => setOp(null)}
                    onMoved={(id) => {
                      setSelectedId(id);
                      void loadList();
                    }}
                  />
                )}
                <LateAndUtilisation v={detail} />
              </>
            )}
          </section>
        </div>
      )}
    </div>
  );
}

function LateAndUtilisation({ v }: { v: Version }) {
  const util = Object.entries(v.kpis.utilisation ?? {}).filter(([, u]) => u > 0);
  return (
    <div className="plan-tables">
      <div className="card">
        <div className="card-title">
          <strong>Late orders</strong>
        </div>
        {v.lateOrders.length === 0 ? (
          <p className="plan-version-meta">None: every order finishes by its due date.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Order</th>
                <th>Due</th>
                <th>Finishes</th>
                <th>Late by</th>
              </tr>
            </thead>
            <tbody>
              {v.lateOrders.map((o) => (
                <tr key={o.orderId}>
                  <td>{o.orderId}</td>
                  <td>{formatDateTime(o.dueAt)}</td>
                  <td>{formatDateTime(o.completion)}</td>
                  <td>{duration(o.lateS)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="card">
        <div className="card-title">
          <strong>Machine utilisation</strong> <span className="plan-version-meta">until the plan ends</span>
        </div>
        <table className="table">
          <tbody>
            {util.map(([m, u]) => (
              <tr key={m}>
                <td>{m.split('/').pop()}</td>
                <td>
                  <div className="plan-util">
                    <span style={{ width: `${Math.min(100, u * 100)}%` }} />
                  </div>
                </td>
                <td>{Math.round(u * 100)} %</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
