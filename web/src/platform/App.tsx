// The route table: which screen shows for which path, behind the sign-in gate.
import { lazy, Suspense, type ReactNode } from 'react';
import { AuditPage } from '../audit/AuditPage.tsx';
import { TokensPage } from '../admin/TokensPage.tsx';
import { UsersPage } from '../admin/UsersPage.tsx';
import { CalendarsPage } from '../plant/CalendarsPage.tsx';
import { ClassesPage } from '../plant/ClassesPage.tsx';
import { EquipmentPage } from '../plant/EquipmentPage.tsx';
import { MaterialsPage } from '../plant/MaterialsPage.tsx';
import { PlantFilePage } from '../plant/PlantFilePage.tsx';
import { ProductsPage } from '../plant/ProductsPage.tsx';
import { canSeeAudit, isAdmin, useAuth } from './auth.tsx';
import { Empty, Spinner, ToastProvider } from './components.tsx';
import { Shell } from './layout.tsx';
import { Link, matchPath, navigate, useLocation } from './router.tsx';
import { SignIn } from './SignIn.tsx';
import type { User } from './types.ts';
import { useEffect } from 'react';

// The live module (ECharts, streaming) is its own chunk: the shell loads it only when /live is opened.
const LiveModule = lazy(() => import('../live/LiveModule.tsx'));
const live = () => (
  <Suspense fallback={<Spinner label="Loading the live plant…" />}>
    <LiveModule />
  </Suspense>
);

// Performance (ECharts, KPIs) is its own chunk as well.
const PerformanceModule = lazy(() => import('../performance/PerformanceModule.tsx'));
const performance = () => (
  <Suspense fallback={<Spinner label="Loading performance…" />}>
    <PerformanceModule />
  </Suspense>
);

// The station terminal (full screen, its own badge sign-in) and the shop floor / orders pages: one chunk each.
const TerminalModule = lazy(() => import('../terminal/TerminalModule.tsx'));
const FloorModule = lazy(() => import('../terminal/FloorModule.tsx'));
const floor = () => (
  <Suspense fallback={<Spinner label="Loading the shop floor…" />}>
    <FloorModule />
  </Suspense>
);

// Planning (ECharts Gantt) is its own chunk too.
const PlanModule = lazy(() => import('../planning/PlanModule.tsx'));
const plan = () => (
  <Suspense fallback={<Spinner label="Loading the plan…" />}>
    <PlanModule />
  </Suspense>
);
// ERP link (webhooks, outbox) too.
const ErpModule = lazy(() => import('../erp/ErpModule.tsx'));
const erp = () => (
  <Suspense fallback={<Spinner label="Loading the ERP link…" />}>
    <ErpModule />
  </Suspense>
);
// Lots and trace (ECharts graph) are their own chunk as well.
const LotsModule = lazy(() => import('../lots/LotsModule.tsx'));
const lots = () => (
  <Suspense fallback={<Spinner label="Loading lots…" />}>
    <LotsModule />
  </Suspense>
);
// Quality (ECharts SPC charts) too.
const QualityModule = lazy(() => import('../quality/QualityModule.tsx'));
const quality = () => (
  <Suspense fallback={<Spinner label="Loading quality…" />}>
    <QualityModule />
  </Suspense>
);

// Maintenance (work orders, plans, the technician's tablet).
const MaintenanceModule = lazy(() => import('../maintenance/MaintenanceModule.tsx'));
const maintenance = () => (
  <Suspense fallback={<Spinner label="Loading maintenance…" />}>
    <MaintenanceModule />
  </Suspense>
);

interface RouteDef {
  path: string;
  render(params: Record<string, string>): ReactNode;
  allowed?: (u: User) => boolean;
}

const ROUTES: RouteDef[] = [
  { path: '/live', render: live },
  { path: '/live/*', render: live },
  { path: '/performance', render: performance },
  { path: '/performance/*', render: performance },
  { path: '/shopfloor', render: floor },
  { path: '/orders/:id?', render: floor },
  { path: '/labour', render: floor, allowed: (u) => u.roles.some((r) => r === 'admin' || r === 'supervisor' || r === 'quality') },
  { path: '/plan', render: plan },
  { path: '/erp/webhooks', render: erp, allowed: isAdmin },
  { path: '/erp/outbox', render: erp, allowed: (u) => u.roles.some((r) => r === 'admin' || r === 'supervisor') },
  { path: '/lots', render: lots },
  { path: '/lots/*', render: lots },
  { path: '/quality', render: quality },
  { path: '/quality/*', render: quality },
  { path: '/maintenance', render: maintenance },
  { path: '/maintenance/*', render: maintenance },
  { path: '/plant/equipment/:id?', render: (p) => <EquipmentPage selectedId={p.id} /> },
  { path: '/plant/products/:id?', render: (p) => <ProductsPage selectedId={p.id} /> },
  { path: '/plant/materials/:id?', render: (p) => <MaterialsPage selectedId={p.id} /> },
  { path: '/plant/calendars/:id?', render: (p) => <CalendarsPage selectedId={p.id} /> },
  { path: '/plant/classes/:id?', render: (p) => <ClassesPage selectedId={p.id} /> },
  { path: '/plant/file', render: () => <PlantFilePage /> },
  { path: '/audit', render: () => <AuditPage />, allowed: canSeeAudit },
  { path: '/admin/users/:id?', render: (p) => <UsersPage selectedId={p.id} />, allowed: isAdmin },
  { path: '/admin/tokens', render: () => <TokensPage />, allowed: isAdmin },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function Routed({ user }: { user: User }) {
  const { pathname } = useLocation();
  if (pathname === '/' || pathname === '/plant') return <Redirect to="/plant/equipment" />;
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (!params) continue;
    if (route.allowed && !route.allowed(user)) {
      return (
        <Empty title="Not available for your role">
          This page needs another role. <Link to="/plant/equipment">Go to the plant model</Link>.
        </Empty>
      );
    }
    return <>{route.render(params)}</>;
  }
  return (
    <Empty title="Page not found">
      Nothing lives at <code>{pathname}</code>. <Link to="/plant/equipment">Go to the plant model</Link>.
    </Empty>
  );
}

export function App() {
  const { user } = useAuth();
  const { pathname, href } = useLocation();

  if (user === undefined) return <Spinner label="Starting Takt…" />;
  if (pathname === '/terminal' || pathname.startsWith('/terminal/'))
    return (
      <Suspense fallback={<Spinner label="Loading the terminal…" />}>
        <TerminalModule />
      </Suspense>
    );
  if (!user) {
    if (pathname === '/sign-in') return <SignIn />;
    const next = pathname === '/' ? '' : `?next=${encodeURIComponent(href)}`;
    return <Redirect to={`/sign-in${next}`} />;
  }
  if (pathname === '/sign-in') return <Redirect to="/" />;
  return (
    <ToastProvider>
      <Shell>
        <Routed user={user} />
      </Shell>
    </ToastProvider>
  );
}
