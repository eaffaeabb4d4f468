// /quality/characteristics/:id — one characteristic's SPC chart over a window ending now: the control chart with its
// limits, the spec limits and the violations marked with their rule numbers, the R/S/MR chart when the chart has one,
// Cp/Cpk/Pp/Ppk with the sigmas they rest on, the histogram, for quality/admin "Freeze limits from this window", and
// the characteristic's reaction plan (ReactionPlanPanel), sampling plan (SamplingPanel) and the machine tag it is measured
// in-line from (InlinePanel).
// It polls the server every few seconds while visible; every number shown is the server's.
import { useMemo, useState } from 'react';
import { api } from '../platform/api.ts';
import { useUser } from '../platform/auth.tsx';
import { Badge, Banner, Button, ErrorBanner, PageHeader, Spinner, useToast } from '../platform/components.tsx';
import { TextField } from '../platform/forms.tsx';
import { formatDateTime, formatTime } from '../platform/format.ts';
import { useResource, useSubmit } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';
import { controlOption, EChart, flaggedAt, histogramOption, violationsAt } from './charts.ts';
import { InlinePanel } from './InlinePanel.tsx';
import { useVisibleTick } from './poll.ts';
import { ReactionPlanPanel } from './ReactionPlanPanel.tsx';
import { SamplingPanel } from './SamplingPanel.tsx';
import { canEditQuality, fig, WINDOWS, type ChartView, type FrozenLimits, type WindowId } from './types.ts';
import { WindowSelect } from './WindowSelect.tsx';

const POLL_MS = 5000;
const SECONDARY_NAME = { r: 'R (range)', s: 'S (standard deviation)', mr: 'MR (moving range)' } as const;

export function CharacteristicPage({ id }: { id: string }) {
  const user = useUser();
  const [windowId, setWindowId] = useState<WindowId>('24h');
  const now = useVisibleTick(POLL_MS);
  const range = useMemo(() => {
    const ms = WINDOWS.find((w) => w.id === windowId)!.ms;
    return { from: new Date(now - ms).toISOString(), to: new Date(now).toISOString() };
  }, [windowId, now]);
  const view = useResource<ChartView>(`/quality/characteristics/${encodeURIComponent(id)}/chart`, range);
  const v = view.data;
  const c = v?.characteristic;

  return (
    <div className="page">
      <PageHeader
        title={c ? c.name : id}
        subtitle={
          c ? (
            <>
              {c.id} · product {c.product}
              {c.operationSeq !== null ? `, step ${c.operationSeq}` : ''} · {c.chart} chart
              {c.chart !== 'i-mr' && c.kind === 'variable' ? `, subgroups of ${c.subgroupSize}` : ''}
              {c.unit ? ` · ${c.unit}` : ''}
            </>
          ) : undefined
        }
      />
      <p>
        <Link to="/quality">Back to quality</Link>
      </p>
      <div className="q-controls">
        <WindowSelect options={WINDOWS} value={windowId} onChange={setWindowId} testId="q-window" />
        {v && (
          <span className="q-muted" data-testid="q-read-at">
            {formatDateTime(v.window.from)} – {formatTime(v.window.to)} · read {formatTime(v.window.to)}, every {POLL_MS / 1000} s while open
          </span>
        )}
        {v && <LimitsBadge v={v} />}
      </div>
      {view.error ? <ErrorBanner error={view.error} onRetry={view.reload} /> : null}
      {!v && view.loading && <Spinner label="Loading the chart…" />}
      {v && <Charts v={v} />}
      {v && canEditQuality(user) && <FreezeLimits v={v} onFrozen={view.reload} />}
      {c && <ReactionPlanPanel characteristic={c.id} rules={c.rules} canEdit={canEditQuality(user)} />}
      {c && <SamplingPanel characteristic={c.id} canEdit={canEditQuality(user)} />}
      {c && <InlinePanel characteristic={c.id} chart={c.chart} canEdit={canEditQuality(user)} />}
    </div>
  );
}

function LimitsBadge({ v }: { v: ChartView }) {
  if (v.limits === 'frozen' && v.frozen)
    return (
      <span data-testid="q-limits">
        <Badge tone="info">frozen limits v{v.frozen.version}</Badge>{' '}
        <span className="q-muted">
          from {formatDateTime(v.frozen.baselineFrom)} – {formatDateTime(v.frozen.baselineTo)}, by {v.frozen.createdBy}: {v.frozen.reason}
        </span>
      </span>
    );
  if (v.limits === 'window')
    return (
      <span data-testid="q-limits">
        <Badge>limits of this window</Badge> <span className="q-muted">none frozen yet</span>
      </span>
    );
  return null;
}

function Charts({ v }: { v: ChartView }) {
  const d = v.detail;
  const c = v.characteristic;
  const primary = useMemo(
    () => (d ? controlOption(c.chart, d.points, violationsAt(d, 'primary'), { lsl: c.lsl, usl: c.usl }, flaggedAt(d.points, v.flagged)) : null),
    [d, c, v.flagged],
  );
  const secondary = useMemo(
    () => (d?.secondary ? controlOption(d.secondary.chart.toUpperCase(), d.secondary.points, violationsAt(d, 'secondary')) : null),
    [d],
  );
  const hist = useMemo(() => (d?.histogram?.bins.length ? histogramOption(d.histogram, c.unit) : null), [d, c.unit]);
  const ruleText = (rule: number) => v.rules.find((r) => r.rule === rule)?.text ?? `rule ${rule}`;

  if (!d)
    return (
      <Banner kind="warn">
        {v.contract.points.length} measurement{v.contract.points.length === 1 ? '' : 's'} in this window and no frozen limits: too little to estimate control
        limits from. Choose a longer window, or wait for more measurements.
      </Banner>
    );
  const primaryViolations = d.violations.filter((x) => x.chart === 'primary').length;
  const label = `${c.chart} chart: ${d.points.length} points, ${d.violations.length} violation${d.violations.length === 1 ? '' : 's'}`;
  return (
    <>
      <section className="card q-section">
        <h2>
          {c.chart} chart{' '}
          {d.centerLine !== null && (
            <span className="q-muted">
              CL {fig(d.centerLine, 4)} · UCL {fig(d.ucl, 4)} · LCL {fig(d.lcl, 4)}
            </span>
          )}
        </h2>
        {d.points.length === 0 ? (
          <p>No measurements in this window.</p>
        ) : (
          <EChart option={primary!} shape={`p${d.points.length}`} className="q-chart" label={label} testId="q-chart" />
        )}
        {d.pending > 0 && <p className="q-muted">{d.pending} value(s) of an incomplete subgroup not plotted yet.</p>}
        {primaryViolations === 0 && d.points.length > 0 && <p className="q-muted">No rule violations in this window.</p>}
        {v.flagged.length > 0 && (
          <p className="q-muted" data-testid="q-flagged">
            {v.flagged.length} measurement{v.flagged.length === 1 ? ' was' : 's were'} taken with a gauge overdue for calibration (orange diamonds).
          </p>
        )}
      </section>
      {d.secondary && secondary && (
        <section className="card q-section">
          <h2>{SECONDARY_NAME[d.secondary.chart]}</h2>
          <EChart
            option={secondary}
            shape={`s${d.secondary.points.length}`}
            className="q-chart q-chart-small"
            label={`${d.secondary.chart} chart`}
            testId="q-secondary"
          />
        </section>
      )}
      {d.violations.length > 0 && (
        <section className="card q-section">
          <h2>Rule violations</h2>
          <div className="table-scroll">
            <table className="table" data-testid="q-violations">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Rule</th>
                  <th>Chart</th>
                  <th>Value</th>
                </tr>
              </thead>
              <tbody>
                {d.violations.map((x) => {
                  const point = x.chart === 'primary' ? d.points[x.index] : d.secondary?.points[x.index];
                  return (
                    <tr key={`${x.chart}-${x.index}-${x.rule}`}>
                      <td>{formatDateTime(x.ts)}</td>
                      <td>
                        <Badge tone="danger">rule {x.rule}</Badge> {ruleText(x.rule)}
                      </td>
                      <td>{x.chart === 'primary' ? c.chart : d.secondary?.chart}</td>
                      <td>{fig(point?.value ?? null, 4)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {d.capability && (
        <section className="card q-section" data-testid="q-capability">
          <h2>Capability</h2>
          <div className="q-tiles">
            {(
              [
                ['Cp', d.capability.cp, 'within'],
                ['Cpk', d.capability.cpk, 'within'],
                ['Pp', d.capability.pp, 'overall'],
                ['Ppk', d.capability.ppk, 'overall'],
              ] as const
            ).map(([name, value, sigma]) => (
              <div key={name} className="q-tile" data-testid={`q-${name.toLowerCase()}`}>
                <div className="k">{name}</div>
                <div className="v">{fig(value)}</div>
                <div className="d">{sigma === 'within' ? `σ within = ${d.capability!.withinMethod}` : 'σ overall = s'}</div>
              </div>
            ))}
          </div>
          <p className="q-muted" data-testid="q-sigmas">
            n = {d.capability.n} values · mean {fig(d.capability.mean, 4)} · σ within {fig(d.capability.sigmaWithin, 4)} ({d.capability.withinMethod}) · σ
            overall {fig(d.capability.sigmaOverall, 4)} (s, n − 1) · LSL {fig(d.capability.lsl, 4)} · USL {fig(d.capability.usl, 4)}
          </p>
        </section>
      )}
      {hist && d.histogram && (
        <section className="card q-section">
          <h2>Histogram</h2>
          <EChart
            option={hist}
            shape={`h${d.histogram.bins.length}`}
            className="q-chart q-chart-small"
            label="Histogram of the values with the spec limits"
            testId="q-histogram"
          />
        </section>
      )}
    </>
  );
}

function FreezeLimits({ v, onFrozen }: { v: ChartView; onFrozen(): Promise<void> }) {
  const [reason, setReason] = useState('');
  const save = useSubmit();
  const toast = useToast();
  const freeze = () =>
    save.run(async () => {
      const frozen = await api<FrozenLimits>(`/quality/characteristics/${encodeURIComponent(v.characteristic.id)}/limits`, {
        method: 'POST',
        body: { from: v.window.from, to: v.window.to, reason: reason.trim() },
      });
      setReason('');
      toast(`Limits frozen as version ${frozen.version}`);
      await onFrozen();
    });
  return (
    <section className="card q-section" data-testid="q-freeze">
      <h2>Freeze limits from this window</h2>
      <p className="q-muted">
        The limits estimated from {formatDateTime(v.window.from)} – {formatDateTime(v.window.to)} become the next frozen version and chart every window from
        then on, until someone freezes again. Recorded in the audit trail with your reason.
      </p>
      {save.error ? <ErrorBanner error={save.error} /> : null}
      <form
        className="q-freeze"
        onSubmit={(e) => {
          e.preventDefault();
          void freeze();
        }}
      >
        <TextField label="Reason" value={reason} onValue={setReason} placeholder="e.g. phase I baseline after the new tool" required />
        <Button type="submit" variant="primary" busy={save.busy} disabled={!reason.trim()}>
          Freeze limits from this window
        </Button>
      </form>
    </section>
  );
}
