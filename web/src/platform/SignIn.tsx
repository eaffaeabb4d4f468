// The sign-in page. On success goes back to where the user was heading (`?next=`).
import { useState, type FormEvent } from 'react';
import { ApiError, errorMessage } from './api.ts';
import { useAuth } from './auth.tsx';
import { Button } from './components.tsx';
import { DemoCredentialsBanner } from './demoCredentials.tsx';
import { TextField } from './forms.tsx';
import { Logo } from './layout.tsx';
import { navigate, useLocation } from './router.tsx';

export function SignIn() {
  const { login } = useAuth();
  const { search } = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError('Enter your username and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(username.trim(), password);
      const next = search.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      setBusy(false);
      if (err instanceof ApiError && err.status === 401) setError('Wrong username or password.');
      else setError(errorMessage(err));
    }
  };

  return (
    <div className="signin-page">
      <form className="signin-card" onSubmit={submit} noValidate aria-labelledby="signin-title">
        <div className="signin-brand">
          <Logo />
          <span className="signin-tag">Manufacturing Execution System</span>
        </div>
        <h1 id="signin-title">Sign in</h1>
        <DemoCredentialsBanner className="banner banner-warn" />
        {error && (
          <div className="banner banner-error" role="alert" data-testid="signin-error">
            {error}
          </div>
        )}
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onValue={setUsername}
          autoFocus
        />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" value={password} onValue={setPassword} />
        <Button type="submit" variant="primary" busy={busy} className="btn-block">
          Sign in
        </Button>
      </form>
    </div>
  );
}
