// The "Maintenance" module, loaded lazily by the shell: /maintenance/work-orders (the work orders),
// /maintenance/work-orders/:id (one), /maintenance/tech (the technician's queue and one order on a tablet),
// /maintenance/plans (preventive plans), /maintenance/kpis (the maintenance KPIs).
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { WorkOrderDetail } from './WorkOrderDetail.tsx';
import { TechOrder } from './tech/TechOrder.tsx';
import { TechQueue } from './tech/TechQueue.tsx';
import { PlanList } from './plans/PlanList.tsx';
import { WorkOrderList } from './WorkOrderList.tsx';
import { MaintenanceKpisPage } from './kpis/KpisPage.tsx';
// predictive maintenance
import { ConditionPage } from './condition/ConditionPage.tsx';

export default function MaintenanceModule() {
  const { pathname } = useLocation();
  if (matchPath('/maintenance', pathname) || matchPath('/maintenance/work-orders', pathname)) return <WorkOrderList />;
  const detail = matchPath('/maintenance/work-orders/:id', pathname);
  if (detail) return <WorkOrderDetail id={decodeURIComponent(detail.id)} />;
  // technician work on a tablet (web/src/maintenance/tech)
  if (matchPath('/maintenance/tech', pathname)) return <TechQueue />;
  const techOrder = matchPath('/maintenance/tech/:id', pathname);
  if (techOrder) return <TechOrder id={techOrder.id!} />;
  // preventive plans (web/src/maintenance/plans)
  if (matchPath('/maintenance/plans', pathname)) return <PlanList />;
  if (matchPath('/maintenance/kpis', pathname)) return <MaintenanceKpisPage />;
  if (matchPath('/maintenance/condition', pathname)) return <ConditionPage />;
  return (
    <Empty title="Page not found">
      <Link to="/maintenance/work-orders">Go to the work orders</Link>.
    </Empty>
  );
}
