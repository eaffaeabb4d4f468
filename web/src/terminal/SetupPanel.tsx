// Setup of an operation: what to make, the recipe (parameters with targets and limits) and whether the machine
// confirmed it by read-back, "Download again", and "Start production" — which a supervisor may force with a reason
// when the recipe is not confirmed.
import { useState } from 'react';
import { Instructions, OperationTitle } from './OperationParts.tsx';
import { PauseDialog } from './dialogs.tsx';
import type { CommandRecord, OperationView } from './types.ts';

const DOWNLOAD_TEXT: Record<string, string> = {
  confirmed: 'Recipe confirmed by the machine',
  rejected: 'The machine rejected the recipe',
  timed_out: 'The machine did not answer in time',
  failed: 'The download failed',
  pending: 'Waiting for the machine…',
};

export function SetupPanel({
  op,
  download,
  supervisor,
  busy,
  onDownload,
  onStart,
  onPause,
}: {
  op: OperationView;
  /** the download of this setup, when this terminal did it (undefined: not known here) */
  download: CommandRecord | null | undefined;
  supervisor: boolean;
  busy: string | null;
  onDownload(): void;
  onStart(override?: string): void;
  onPause(reason: string): Promise<unknown>;
}) {
  const [override, setOverride] = useState('');
  const [pausing, setPausing] = useState(false);
  const recipe = op.recipe ?? {};
  const names = Object.keys(recipe);
  const needsRecipe = names.length > 0 && !op.recipeVerified;
  const status = download?.status ?? (names.length === 0 ? null : op.recipeVerified ? 'confirmed' : undefined);
  const readBack = (download?.readBack ?? null) as Record<string, unknown> | null;

  return (
    <section className="t-panel" data-testid="setup-panel">
      <OperationTitle op={op} />
      <h2>Recipe</h2>
      {names.length === 0 ? (
        <p className="t-lead" data-testid="recipe-status">
          This operation has no parameters to download.
        </p>
      ) : (
        <>
          <div className={`t-recipe-status t-recipe-${status ?? 'unknown'}`} data-testid="recipe-status" role={status === 'confirmed' ? undefined : 'alert'}>
            {status ? (DOWNLOAD_TEXT[status] ?? status) : op.recipeVerified ? DOWNLOAD_TEXT.confirmed : 'Recipe not confirmed by the machine'}
            {download?.detail ? <div className="t-sub">{download.detail}</div> : null}
            {readBack && Object.keys(readBack).length > 0 && (
              <div className="t-sub" data-testid="read-back">
                The machine reports:{' '}
                {Object.entries(readBack)
                  .map(([k, v]) => `${k} = ${String(v)}`)
                  .join(' · ')}
              </div>
            )}
          </div>
          <table className="t-table">
            <thead>
              <tr>
                <th>Parameter</th>
                <th>Target</th>
                <th>Unit</th>
                <th>Limits</th>
              </tr>
            </thead>
            <tbody>
              {names.map((n) => {
                const p = op.parameters.find((x) => x.name === n);
                return (
                  <tr key={n}>
                    <td>{n}</td>
                    <td className="t-num">{String(recipe[n])}</td>
                    <td>{p?.unit ?? ''}</td>
                    <td>{p?.min != null || p?.max != null ? `${p?.min ?? '–'} … ${p?.max ?? '–'}` : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      <Instructions op={op} />
      <div className="t-actions">
        {names.length > 0 && (
          <button type="button" className="t-btn" disabled={busy !== null} onClick={onDownload}>
            {busy === 'recipe' ? 'Downloading…' : 'Download again'}
          </button>
        )}
        <button type="button" className="t-btn" disabled={busy !== null} onClick={() => setPausing(true)}>
          Pause
        </button>
        <button type="button" className="t-btn t-btn-go" disabled={busy !== null} onClick={() => onStart()}>
          {busy === 'start' ? 'Starting…' : 'Start production'}
        </button>
      </div>
      {needsRecipe && supervisor && (
        <div className="t-override">
          <label htmlFor="t-override">Supervisor: start without a confirmed recipe, because…</label>
          <input
            id="t-override"
            className="t-input"
            value={override}
            onChange={(e) => setOverride(e.target.value)}
            placeholder="Reason (at least 3 characters)"
          />
          <button type="button" className="t-btn t-btn-warn" disabled={busy !== null || override.trim().length < 3} onClick={() => onStart(override.trim())}>
            Start with override
          </button>
        </div>
      )}
      {pausing && <PauseDialog onClose={() => setPausing(false)} onPause={onPause} />}
    </section>
  );
}
