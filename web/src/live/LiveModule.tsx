// The "Live plant" module, loaded lazily by the shell: routes under /live and the module's styles.
import { lazy, Suspense } from 'react';
import { Empty, Spinner } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { PlantOverview } from './PlantOverview.tsx';
import { QuarantinePage } from './QuarantinePage.tsx';
import './live.css';

// ECharts comes with the machine page only: the overview on a shop-floor screen never loads it.
const MachinePage = lazy(() => import('./MachinePage.tsx').then((m) => ({ default: m.MachinePage })));

export default function LiveModule() {
  const { pathname } = useLocation();
  if (matchPath('/live', pathname)) return <PlantOverview />;
  if (matchPath('/live/quarantine', pathname)) return <QuarantinePage />;
  const m = matchPath('/live/:id', pathname);
  if (m)
    return (
      <Suspense fallback={<Spinner label="Loading the machine…" />}>
        <MachinePage key={m.id} id={m.id} />
      </Suspense>
    );
  return (
    <Empty title="Page not found">
      <Link to="/live">Go to the plant overview</Link>.
    </Empty>
  );
}
