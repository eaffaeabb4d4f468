// The "Quality" module, loaded lazily by the shell: /quality (characteristics by worst Cpk, new characteristic) and
// /quality/characteristics/<id> (its SPC chart).
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { CharacteristicPage } from './CharacteristicPage.tsx';
import { CapaDetail, CapaList } from './ncr/CapaPages.tsx';
import { NcrDetail } from './ncr/NcrDetail.tsx';
import { NcrList } from './ncr/NcrList.tsx';
import { QualityOverview } from './QualityOverview.tsx';
import './quality.css';

export default function QualityModule() {
  const { pathname } = useLocation();
  if (matchPath('/quality', pathname)) return <QualityOverview />;
  const m = matchPath('/quality/characteristics/:id', pathname);
  if (m) return <CharacteristicPage key={m.id} id={m.id} />;
  if (matchPath('/quality/ncrs', pathname)) return <NcrList />;
  const ncr = matchPath('/quality/ncrs/:id', pathname);
  if (ncr) return <NcrDetail key={ncr.id} id={ncr.id} />;
  if (matchPath('/quality/capas', pathname)) return <CapaList />;
  const capa = matchPath('/quality/capas/:id', pathname);
  if (capa) return <CapaDetail key={capa.id} id={capa.id} />;
  return (
    <Empty title="Page not found">
      <Link to="/quality">Go to quality</Link>.
    </Empty>
  );
}
