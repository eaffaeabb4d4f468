// The application frame: sidebar navigation on wide screens, a top bar with a drawer on tablets.
import { useEffect, useState, type ReactNode } from 'react';
import { useAuth, useUser } from './auth.tsx';
import { useMediaQuery, useResource, NARROW } from './hooks.ts';
import { activeItem, COMING_SOON, visibleNav } from './nav.ts';
import { Link, useLocation } from './router.tsx';
import type { Health } from './types.ts';

export function Logo() {
  return (
    <span className="logo">
      <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
        <rect width="32" height="32" rx="6" fill="var(--accent)" />
        <path d="M7 9h18v4h-7v12h-4V13H7z" fill="var(--sidebar-bg)" />
      </svg>
      <span className="logo-text">Takt</span>
    </span>
  );
}

function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const user = useUser();
  const { pathname } = useLocation();
  return (
    <nav className="nav" aria-label="Modules">
      {visibleNav(user).map((section) => {
        const current = activeItem(section.items, pathname);
        return (
          <div key={section.id} className="nav-section">
            <div className="nav-heading">{section.label}</div>
            {section.items.map((item) => {
              const active = item === current;
              return (
                <Link
                  key={item.to}
                  to={item.to}
                  className={`nav-link${active ? ' active' : ''}`}
                  aria-current={active ? 'page' : undefined}
                  onClick={onNavigate}
                >
                  {item.label}
                </Link>
              );
            })}
          </div>
        );
      })}
      {COMING_SOON.length > 0 && (
        <div className="nav-section">
          <div className="nav-heading">Coming soon</div>
          {COMING_SOON.map((label) => (
            <span key={label} className="nav-link disabled" aria-disabled="true" title="Not available yet">
              {label}
              <span className="soon">soon</span>
            </span>
          ))}
        </div>
      )}
    </nav>
  );
}

function UserBox() {
  const user = useUser();
  const { logout } = useAuth();
  const health = useResource<Health>('/health');
  return (
    <div className="userbox">
      <div className="userbox-who">
        <div className="userbox-name" data-testid="current-user">
          {user.displayName || user.username}
        </div>
        <div className="userbox-roles">{user.roles.join(' · ')}</div>
      </div>
      <button type="button" className="btn btn-sidebar" onClick={() => void logout()}>
        Sign out
      </button>
      {health.data && (
        <div className="userbox-health" title="Server status">
          <span className={`dot ${health.data.status === 'ok' ? 'dot-ok' : 'dot-bad'}`} /> v{health.data.version} · {health.data.database}
        </div>
      )}
    </div>
  );
}

export function Shell({ children }: { children: ReactNode }) {
  const narrow = useMediaQuery(NARROW);
  const [open, setOpen] = useState(false);
  const { pathname } = useLocation();
  useEffect(() => setOpen(false), [pathname, narrow]);

  if (narrow) {
    return (
      <div className="app app-narrow">
        <header className="topbar">
          <button type="button" className="icon-btn topbar-menu" aria-label="Open navigation" aria-expanded={open} onClick={() => setOpen(true)}>
            <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true">
              <path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
          </button>
          <Logo />
        </header>
        {open && (
          <div className="drawer-backdrop" onClick={() => setOpen(false)}>
            <aside className="sidebar drawer" onClick={(e) => e.stopPropagation()} aria-label="Navigation">
              <div className="sidebar-head">
                <Logo />
                <button type="button" className="icon-btn" aria-label="Close navigation" onClick={() => setOpen(false)}>
                  ×
                </button>
              </div>
              <NavLinks onNavigate={() => setOpen(false)} />
              <UserBox />
            </aside>
          </div>
        )}
        <main className="main">{children}</main>
      </div>
    );
  }

  return (
    <div className="app">
      <aside className="sidebar" aria-label="Navigation">
        <div className="sidebar-head">
          <Logo />
        </div>
        <NavLinks />
        <UserBox />
      </aside>
      <main className="main">{children}</main>
    </div>
  );
}
