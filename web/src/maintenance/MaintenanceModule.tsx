// The "Maintenance" module, loaded lazily by the shell: /maintenance/work-orders (the work orders).
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { WorkOrderList } from './WorkOrderList.tsx';
// predictive maintenance
import { ConditionPage } from './condition/ConditionPage.tsx';

export default function MaintenanceModule() {
  const { pathname } = useLocation();
  if (matchPath('/maintenance', pathname) || matchPath('/maintenance/work-orders', pathname)) return <WorkOrderList />;
  if (matchPath('/maintenance/condition', pathname)) return <ConditionPage />;
  return (
    <Empty title="Page not found">
      <Link to="/maintenance/work-orders">Go to the work orders</Link>.
    </Empty>
  );
}
