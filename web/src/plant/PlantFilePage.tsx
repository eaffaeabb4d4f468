// Plant model → Import / export: the whole plant model as one YAML or JSON file.
import { useRef, useState } from 'react';
import { api } from '../platform/api.ts';
import { canEditPlant, useUser } from '../platform/auth.tsx';
import { Banner, Button, ErrorBanner, PageHeader } from '../platform/components.tsx';
import { useSubmit } from '../platform/hooks.ts';

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function ExportCard() {
  const { busy, error, run } = useSubmit();
  const [which, setWhich] = useState<'yaml' | 'json' | null>(null);
  const exportAs = (format: 'yaml' | 'json') => {
    setWhich(format);
    void run(async () => {
      const text = await api<string>('/plant/export', { query: { format }, text: true });
      const stamp = new Date().toISOString().slice(0, 10);
      download(`takt-plant-${stamp}.${format === 'yaml' ? 'yaml' : 'json'}`, text, format === 'yaml' ? 'application/yaml' : 'application/json');
    });
  };
  return (
    <section className="card">
      <h2 className="card-title">Export</h2>
      <p className="muted">
        Download the plant model — equipment, classes, materials, products with routings and shift calendars — as one file. Keep it in version control or move
        it to another Takt installation.
      </p>
      <ErrorBanner error={error} />
      <div className="button-row">
        <Button variant="primary" busy={busy && which === 'yaml'} onClick={() => exportAs('yaml')}>
          Download YAML
        </Button>
        <Button busy={busy && which === 'json'} onClick={() => exportAs('json')}>
          Download JSON
        </Button>
      </div>
    </section>
  );
}

/** `{equipment: 2, material: 1}` → "2 equipment, 1 material"; numbers as they are. */
function describeCount(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  if (v && typeof v === 'object') {
    const parts = Object.entries(v as Record<string, unknown>)
      .filter(([, n]) => n !== 0)
      .map(([k, n]) => `${String(n)} ${k.replace(/_/g, ' ')}`);
    return parts.length ? parts.join(', ') : 'none';
  }
  return JSON.stringify(v);
}

function ImportCard() {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<Record<string, unknown> | null>(null);
  const { busy, error, run } = useSubmit();

  const doImport = () =>
    void run(async () => {
      if (!file) return;
      const text = await file.text();
      const isJson = file.name.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');
      setResult(
        await api<Record<string, unknown>>('/plant/import', {
          method: 'POST',
          body: text,
          contentType: isJson ? 'application/json' : 'application/yaml',
        }),
      );
    });

  return (
    <section className="card">
      <h2 className="card-title">Import</h2>
      <p className="muted">
        Load a plant file (YAML or JSON). Records are matched by their identifiers: new ones are created and existing ones updated; every change is written to
        the audit trail.
      </p>
      <ErrorBanner error={error} />
      <div className="button-row">
        <input
          ref={input}
          type="file"
          accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml"
          className="visually-hidden"
          aria-label="Plant file"
          data-testid="plant-file-input"
          onChange={(e) => {
            setFile(e.target.files?.[0] ?? null);
            setResult(null);
          }}
        />
        <Button onClick={() => input.current?.click()}>Choose file…</Button>
        <span className="file-name">{file ? file.name : 'No file chosen'}</span>
        <Button variant="primary" disabled={!file} busy={busy} onClick={doImport}>
          Import
        </Button>
      </div>
      {result && (
        <div className="banner banner-ok" role="status" data-testid="import-result">
          <strong>Import finished.</strong>
          <dl className="counts">
            {Object.entries(result).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{describeCount(v)}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </section>
  );
}

export function PlantFilePage() {
  const user = useUser();
  return (
    <div className="page">
      <PageHeader title="Import / export" subtitle="The plant model as a file" />
      <div className="stack">
        <ExportCard />
        {canEditPlant(user) ? <ImportCard /> : <Banner>Importing needs the admin or supervisor role.</Banner>}
      </div>
    </div>
  );
}
