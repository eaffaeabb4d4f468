// Session state: who is signed in, sign-in / sign-out, and role checks used across the modules.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setUnauthorizedHandler } from './api.ts';
import { navigate } from './router.tsx';
import type { User } from './types.ts';

interface AuthState {
  /** undefined while the session is being checked, null when signed out. */
  user: User | null | undefined;
  login(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      const res = await api<{ user: User }>('/auth/me', { skipAuthRedirect: true });
      setUser(res.user);
    } catch {
      setUser(null);
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setUser(null);
      const here = window.location.pathname + window.location.search;
      if (!here.startsWith('/sign-in')) {
        navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
      }
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const res = await api<{ token: string; user: User }>('/auth/login', {
      method: 'POST',
      body: { username, password },
      skipAuthRedirect: true,
    });
    setUser(res.user);
    return res.user;
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('/auth/logout', { method: 'POST', skipAuthRedirect: true });
    } finally {
      setUser(null);
      navigate('/sign-in', { replace: true });
    }
  }, []);

  const value = useMemo(() => ({ user, login, logout, refresh }), [user, login, logout, refresh]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

export function hasRole(user: User | null | undefined, ...roles: string[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r));
}

export const canEditPlant = (u: User | null | undefined) => hasRole(u, 'admin', 'supervisor');
export const isAdmin = (u: User | null | undefined) => hasRole(u, 'admin');
export const canSeeAudit = (u: User | null | undefined) => hasRole(u, 'admin', 'quality', 'supervisor');

/** The signed-in user; only for components rendered inside the authenticated shell. */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}
