// Entry point of the Takt web shell.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './platform/App.tsx';
import { AuthProvider } from './platform/auth.tsx';
import './platform/styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <AuthProvider>
      <App />
    </AuthProvider>
  </StrictMode>,
);
