// A big-digit keypad for touch screens: PINs (masked) and quantities (with a decimal point when allowed).
import { useEffect } from 'react';

export function Keypad({
  value,
  onChange,
  onEnter,
  decimal = false,
  maxLength = 9,
  label,
}: {
  value: string;
  onChange(next: string): void;
  onEnter?(): void;
  decimal?: boolean;
  maxLength?: number;
  label: string;
}) {
  const press = (key: string) => {
    if (key === 'back') return onChange(value.slice(0, -1));
    if (key === 'clear') return onChange('');
    if (key === '.' && (!decimal || value.includes('.'))) return;
    if (value.length >= maxLength) return;
    onChange(value === '0' && key !== '.' ? key : value + key);
  };
  // A hardware keyboard works too (digits, Backspace, Enter).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
      if (/^\d$/.test(e.key) || (decimal && e.key === '.')) press(e.key);
      else if (e.key === 'Backspace') press('back');
      else if (e.key === 'Enter' && onEnter) onEnter();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9', decimal ? '.' : 'clear', '0', 'back'];
  return (
    <div className="t-keypad" role="group" aria-label={label}>
      {keys.map((k) => (
        <button
          key={k}
          type="button"
          className={`t-key${/^\d$/.test(k) ? '' : ' t-key-fn'}`}
          aria-label={k === 'back' ? 'Delete last digit' : k === 'clear' ? 'Clear' : k === '.' ? 'Decimal point' : `Digit ${k}`}
          onClick={() => press(k)}
        >
          {k === 'back' ? '⌫' : k === 'clear' ? 'C' : k}
        </button>
      ))}
    </div>
  );
}
