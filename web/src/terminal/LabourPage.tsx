// Labour: who was signed in at which station, on which operation, from when to when, and the hours per person — for a
// day (the default: today) or any period. Supervisors, admins and quality see it.
import { useMemo, useState } from 'react';
import { Badge, ErrorBanner, PageHeader, Spinner } from '../platform/components.tsx';
import { formatDateTime, fromLocalInput, toLocalInput } from '../platform/format.ts';
import { useResource } from '../platform/hooks.ts';
import { Link } from '../platform/router.tsx';

interface Session {
  username: string;
  station: string;
  orderId: string | null;
  seq: number | null;
  from: string;
  to: string;
  open: boolean;
  seconds: number;
}

const hours = (s: number) => `${Math.floor(s / 3600)} h ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} min`;
const startOfDay = () => {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
};

export function LabourPage() {
  const [from, setFrom] = useState(startOfDay);
  const [to, setTo] = useState(() => new Date(Date.parse(startOfDay()) + 86_400_000).toISOString());
  const [person, setPerson] = useState('');
  const labour = useResource<{ sessions: Session[]; totals: Array<{ username: string; seconds: number }> }>('/labour', {
    from,
    to,
    username: person || undefined,
  });
  const onOperation = useMemo(() => {
    const m = new Map<string, number>();
    for (const s of labour.data?.sessions ?? []) if (s.orderId) m.set(s.username, (m.get(s.username) ?? 0) + s.seconds);
    return m;
  }, [labour.data]);

  return (
    <div className="page">
      <PageHeader title="Labour" subtitle="Who was signed in at which station, on which operation, and for how long." />
      <div className="card of-filter labour-filter">
        <label>
          From <input type="datetime-local" value={toLocalInput(from)} onChange={(e) => e.target.value && setFrom(fromLocalInput(e.target.value))} />
        </label>
        <label>
          To <input type="datetime-local" value={toLocalInput(to)} onChange={(e) => e.target.value && setTo(fromLocalInput(e.target.value))} />
        </label>
        <label>
          Person <input value={person} placeholder="everyone" onChange={(e) => setPerson(e.target.value.trim())} />
        </label>
      </div>
      <ErrorBanner error={labour.error} onRetry={() => void labour.reload()} />
      {!labour.data && labour.loading ? (
        <Spinner />
      ) : (
        <>
          <div className="table-scroll card">
            <table className="table" data-testid="labour-totals">
              <thead>
                <tr>
                  <th>Person</th>
                  <th>Signed in</th>
                  <th>On operations</th>
                </tr>
              </thead>
              <tbody>
                {(labour.data?.totals ?? []).map((t) => (
                  <tr key={t.username}>
                    <td>{t.username}</td>
                    <td>{hours(t.seconds)}</td>
                    <td>{hours(onOperation.get(t.username) ?? 0)}</td>
                  </tr>
                ))}
                {labour.data?.totals.length === 0 && (
                  <tr>
                    <td colSpan={3}>Nobody was signed in at a station in this period.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <div className="table-scroll card">
            <table className="table" data-testid="labour-sessions">
              <thead>
                <tr>
                  <th>Person</th>
                  <th>Station</th>
                  <th>Operation</th>
                  <th>From</th>
                  <th>To</th>
                  <th>Time</th>
                </tr>
              </thead>
              <tbody>
                {(labour.data?.sessions ?? []).map((s, i) => (
                  <tr key={i}>
                    <td>{s.username}</td>
                    <td>{s.station.split('/').pop()}</td>
                    <td>{s.orderId ? <Link to={`/orders/${encodeURIComponent(s.orderId)}`}>{`${s.orderId} / ${s.seq}`}</Link> : '—'}</td>
                    <td>{formatDateTime(s.from)}</td>
                    <td>{s.open ? <Badge tone="ok">signed in</Badge> : formatDateTime(s.to)}</td>
                    <td>{hours(s.seconds)}</td>
                  </tr>
                ))}
                {labour.data?.sessions.length === 0 && (
                  <tr>
                    <td colSpan={6}>No sign-ins at a station in this period.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
