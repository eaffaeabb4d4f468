// Form fields with labels and inline validation messages from the server's error details.
import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiError } from './api.ts';

/** Field path → message, from a validation ApiError. Paths are normalised to dotted form. */
export type FieldErrors = Record<string, string>;

export function normalisePath(path: string): string {
  return path
    .replace(/^\/+/, '')
    .replace(/^body[./]/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\//g, '.');
}

export function fieldErrors(err: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (err instanceof ApiError) {
    for (const issue of err.fieldIssues) {
      const p = normalisePath(issue.path);
      if (!(p in out)) out[p] = issue.message;
    }
  }
  return out;
}

/** The error for `path` or any of its children (e.g. `routing.0` covers `routing.0.name`). */
export function errorFor(errors: FieldErrors, path: string): string | undefined {
  if (errors[path]) return errors[path];
  const key = Object.keys(errors).find((k) => k.startsWith(`${path}.`));
  return key ? errors[key] : undefined;
}

interface FieldShellProps {
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  className?: string;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}

export function FieldShell({ label, error, hint, className, children }: FieldShellProps) {
  const id = useId();
  const msgId = `${id}-msg`;
  return (
    <div className={`field${error ? ' has-error' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, error || hint ? msgId : undefined)}
      {error ? (
        <div className="field-error" id={msgId} role="alert">
          {error}
        </div>
      ) : hint ? (
        <div className="field-hint" id={msgId}>
          {hint}
        </div>
      ) : null}
    </div>
  );
}

type Common = { label: ReactNode; error?: string; hint?: ReactNode; className?: string };

export function TextField({
  label,
  error,
  hint,
  className,
  onValue,
  ...input
}: Common & InputHTMLAttributes<HTMLInputElement> & { onValue?(v: string): void }) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={className}>
      {(id, describedBy) => (
        <input
          id={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={onValue ? (e) => onValue(e.target.value) : undefined}
          {...input}
        />
      )}
    </FieldShell>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  className,
  onValue,
  ...input
}: Common & TextareaHTMLAttributes<HTMLTextAreaElement> & { onValue?(v: string): void }) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={className}>
      {(id, describedBy) => (
        <textarea
          id={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={onValue ? (e) => onValue(e.target.value) : undefined}
          {...input}
        />
      )}
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField({
  label,
  error,
  hint,
  className,
  options,
  placeholder,
  onValue,
  ...select
}: Common & SelectHTMLAttributes<HTMLSelectElement> & { options: Option[]; placeholder?: string; onValue?(v: string): void }) {
  return (
    <FieldShell label={label} error={error} hint={hint} className={className}>
      {(id, describedBy) => (
        <select
          id={id}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={onValue ? (e) => onValue(e.target.value) : undefined}
          {...select}
        >
          {placeholder !== undefined && <option value="">{placeholder}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

/** A set of checkboxes (roles, weekdays) styled as touch-friendly toggle chips. */
export function ChipGroup<T extends string | number>({
  label,
  options,
  value,
  onChange,
  error,
  disabled,
}: {
  label: ReactNode;
  options: { value: T; label: string }[];
  value: T[];
  onChange(next: T[]): void;
  error?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <fieldset className={`field chip-field${error ? ' has-error' : ''}`} aria-describedby={error ? `${id}-e` : undefined}>
      <legend>{label}</legend>
      <div className="chips">
        {options.map((o) => {
          const on = value.includes(o.value);
          return (
            <label key={String(o.value)} className={`chip${on ? ' on' : ''}`}>
              <input
                type="checkbox"
                checked={on}
                disabled={disabled}
                onChange={() => onChange(on ? value.filter((v) => v !== o.value) : [...value, o.value])}
              />
              {o.label}
            </label>
          );
        })}
      </div>
      {error && (
        <div className="field-error" id={`${id}-e`} role="alert">
          {error}
        </div>
      )}
    </fieldset>
  );
}

/** "" → undefined/null helpers for optional fields. */
export const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());
export const num = (s: string | number): number => (typeof s === 'number' ? s : s.trim() === '' ? NaN : Number(s));
