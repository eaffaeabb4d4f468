// The "Maintenance" module, loaded lazily by the shell: /maintenance/work-orders (the work orders), /maintenance/work-orders/:id (one).
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { WorkOrderDetail } from './WorkOrderDetail.tsx';
import { WorkOrderList } from './WorkOrderList.tsx';

export default function MaintenanceModule() {
  const { pathname } = useLocation();
  if (matchPath('/maintenance', pathname) || matchPath('/maintenance/work-orders', pathname)) return <WorkOrderList />;
  const detail = matchPath('/maintenance/work-orders/:id', pathname);
  if (detail) return <WorkOrderDetail id={decodeURIComponent(detail.id)} />;
  return (
    <Empty title="Page not found">
      <Link to="/maintenance/work-orders">Go to the work orders</Link>.
    </Empty>
  );
}
