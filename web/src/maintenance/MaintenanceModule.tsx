// The "Maintenance" module, loaded lazily by the shell: /maintenance/work-orders (the work orders), /maintenance/plans
// (preventive plans).
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { PlanList } from './plans/PlanList.tsx';
import { WorkOrderList } from './WorkOrderList.tsx';

export default function MaintenanceModule() {
  const { pathname } = useLocation();
  if (matchPath('/maintenance', pathname) || matchPath('/maintenance/work-orders', pathname)) return <WorkOrderList />;
  // preventive plans (web/src/maintenance/plans)
  if (matchPath('/maintenance/plans', pathname)) return <PlanList />;
  return (
    <Empty title="Page not found">
      <Link to="/maintenance/work-orders">Go to the work orders</Link>.
    </Empty>
  );
}
