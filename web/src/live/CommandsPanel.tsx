// Commands to one machine on its live page: Stop and Start (confirmed, with an optional reason) and downloading a
// product's parameter set for the operation this machine runs. The POST waits for the machine's read-back (up to
// ~15 s), so the command shows as pending until the outcome is known. Everyone sees the history; only admins and
// supervisors get the buttons.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../platform/api.ts';
import { hasRole, useUser } from '../platform/auth.tsx';
import { Button, ErrorBanner, Modal, Spinner } from '../platform/components.tsx';
import { TextField } from '../platform/forms.tsx';
import { useResource } from '../platform/hooks.ts';
import type { Equipment } from '../platform/types.ts';
import type { CommandKind, CommandRecord, Scalar } from '../connectors/types.ts';
import { CommandHistory } from './CommandHistory.tsx';
import { Outcome, type Sent } from './CommandOutcome.tsx';
import { ParameterDownload } from './ParameterDownload.tsx';

export { CommandHistory } from './CommandHistory.tsx';
export { StatusBadge } from './CommandOutcome.tsx';
export { candidatesFor, checkParameter } from './ParameterDownload.tsx';

const HISTORY_REFRESH_MS = 10_000;

export function canCommand(roles: string[]): boolean {
  return roles.includes('admin') || roles.includes('supervisor');
}

export function CommandsPanel({ eq }: { eq: Equipment }) {
  const user = useUser();
  const allowed = hasRole(user, 'admin', 'supervisor');
  const base = `/equipment/${encodeURIComponent(eq.id)}/commands`;
  const history = useResource<CommandRecord[]>(base);
  const [sent, setSent] = useState<Sent | null>(null);
  const [confirm, setConfirm] = useState<'stop' | 'start' | null>(null);
  const [paramsOpen, setParamsOpen] = useState(false);
  const pending = !!sent && !sent.record && !sent.error;

  // Commands others send show up too: the history refreshes while the page is open.
  const reload = history.reload;
  useEffect(() => {
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, HISTORY_REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);

  const send = useCallback(
    async (kind: CommandKind, extra: { parameters?: Record<string, Scalar>; reason?: string }) => {
      setSent({ kind, parameters: extra.parameters, startedAt: Date.now() });
      // The server records the command as pending before it waits for the machine: show it in the history at once.
      setTimeout(() => void reload(), 400);
      try {
        const record = await api<CommandRecord>(base, {
          method: 'POST',
          body: { command: kind, ...(extra.parameters ? { parameters: extra.parameters } : {}), ...(extra.reason ? { reason: extra.reason } : {}) },
        });
        setSent((s) => (s ? { ...s, record } : s));
      } catch (error) {
        setSent((s) => (s ? { ...s, error } : s));
      } finally {
        void reload();
      }
    },
    [base, reload],
  );

  return (
    <section className="card live-section commands" data-testid="commands-panel" aria-labelledby="commands-title">
      <div className="live-section-head">
        <h2 id="commands-title">Commands</h2>
        {!allowed && <span className="muted small">Sending commands needs the admin or supervisor role.</span>}
      </div>
      {allowed && (
        <div className="cmd-actions">
          <Button variant="danger" className="cmd-stop" disabled={pending} onClick={() => setConfirm('stop')}>
            <span aria-hidden="true">■</span> Stop
          </Button>
          <Button variant="secondary" className="cmd-start" disabled={pending} onClick={() => setConfirm('start')}>
            <span aria-hidden="true">▶</span> Start
          </Button>
          <Button
            variant={paramsOpen ? 'primary' : 'secondary'}
            aria-expanded={paramsOpen}
            aria-controls="param-download"
            onClick={() => setParamsOpen((o) => !o)}
          >
            Download parameter set…
          </Button>
        </div>
      )}
      {sent && <Outcome sent={sent} onDismiss={pending ? undefined : () => setSent(null)} />}
      {allowed && paramsOpen && (
        <ParameterDownload
          eq={eq}
          disabled={pending}
          onSend={(parameters, reason) => void send('writeParameters', { parameters, reason })}
          onClose={() => setParamsOpen(false)}
        />
      )}
      <h3 className="live-sub">History</h3>
      <ErrorBanner error={history.error} onRetry={() => void reload()} />
      {history.data ? <CommandHistory records={history.data} /> : !history.error && <Spinner label="Loading commands…" />}
      {confirm && (
        <ConfirmCommand
          kind={confirm}
          machine={eq.name}
          onClose={() => setConfirm(null)}
          onConfirm={(reason) => {
            setConfirm(null);
            void send(confirm, { reason });
          }}
        />
      )}
    </section>
  );
}

function ConfirmCommand({ kind, machine, onConfirm, onClose }: { kind: 'stop' | 'start'; machine: string; onConfirm(reason: string): void; onClose(): void }) {
  const [reason, setReason] = useState('');
  const verb = kind === 'stop' ? 'Stop' : 'Start';
  return (
    <Modal
      title={`${verb} ${machine}?`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant={kind === 'stop' ? 'danger' : 'primary'} onClick={() => onConfirm(reason.trim())} data-testid="confirm-command">
            {verb} the machine
          </Button>
        </>
      }
    >
      <p className="confirm-message">
        {kind === 'stop'
          ? 'The machine is told to stop over its own protocol. Takt waits until it reports a stopped state.'
          : 'The machine is told to start over its own protocol. Takt waits until it reports that it runs.'}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onConfirm(reason.trim());
        }}
      >
        <TextField label="Reason (optional, kept in the audit trail)" value={reason} onValue={setReason} maxLength={1000} />
      </form>
    </Modal>
  );
}
