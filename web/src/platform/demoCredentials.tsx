// While the README's demo badge PINs still work, the sign-in pages say so plainly (GET /api/health → demoCredentials).
import { useEffect, useState } from 'react';
import { api } from './api.ts';

export const DEMO_CREDENTIALS_TEXT = 'Demo credentials are active — not for production';

export function useDemoCredentials(): boolean {
  const [active, setActive] = useState(false);
  useEffect(() => {
    let live = true;
    api<{ demoCredentials?: boolean }>('/health', { skipAuthRedirect: true })
      .then((h) => live && setActive(h?.demoCredentials === true))
      .catch(() => {}); // no banner when the server cannot be asked; the sign-in itself reports that
    return () => {
      live = false;
    };
  }, []);
  return active;
}

/** The banner itself; `className` picks the page's own style (office or terminal). */
export function DemoCredentialsBanner({ className }: { className: string }) {
  const active = useDemoCredentials();
  if (!active) return null;
  return (
    <div className={className} role="status" data-testid="demo-credentials">
      {DEMO_CREDENTIALS_TEXT}
    </div>
  );
}
