// The office side of the shop floor, loaded lazily inside the shell: /shopfloor (the supervisor's live view),
// /orders and /orders/<id>, /labour.
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { LabourPage } from './LabourPage.tsx';
import { OrderPage } from './OrderPage.tsx';
import { OrdersPage } from './OrdersPage.tsx';
import { ShopFloorPage } from './ShopFloorPage.tsx';
import './floor.css';

export default function FloorModule() {
  const { pathname } = useLocation();
  if (matchPath('/shopfloor', pathname)) return <ShopFloorPage />;
  if (matchPath('/orders', pathname)) return <OrdersPage />;
  if (matchPath('/labour', pathname)) return <LabourPage />;
  const m = matchPath('/orders/:id', pathname);
  if (m) return <OrderPage key={m.id} id={m.id} />;
  return (
    <Empty title="Page not found">
      <Link to="/orders">Go to the orders</Link>.
    </Empty>
  );
}
