// The "Lots" module, loaded lazily by the shell: /lots (list, receive, hold) and /lots/trace (trace, recall).
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { LotsPage } from './LotsPage.tsx';
import { TracePage } from './TracePage.tsx';
import './lots.css';

export default function LotsModule() {
  const { pathname } = useLocation();
  if (matchPath('/lots', pathname)) return <LotsPage />;
  if (matchPath('/lots/trace', pathname)) return <TracePage />;
  return (
    <Empty title="Page not found">
      <Link to="/lots">Go to the lots</Link>.
    </Empty>
  );
}
