// The "Quality" module, loaded lazily by the shell: /quality (characteristics by worst Cpk, new characteristic) and
// /quality/characteristics/<id> (its SPC chart), /quality/kpis (yield, scrap, rework, COPQ, defect Pareto),
// /quality/gauges (the gauge register), /quality/skills (qualification), /quality/lots/<lot>/certificate (a lot's
// certificate of analysis), /quality/ncrs and /quality/capas (nonconformances and CAPA), /quality/holds (what is held).
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { CharacteristicPage } from './CharacteristicPage.tsx';
import { CertificatePage } from './coa/CertificatePage.tsx';
import { GaugesPage } from './gauges/GaugesPage.tsx';
import { HoldsPage } from './holds/HoldsPage.tsx';
import { KpisPage } from './kpis/KpisPage.tsx';
import { CapaDetail, CapaList } from './ncr/CapaPages.tsx';
import { NcrDetail } from './ncr/NcrDetail.tsx';
import { NcrList } from './ncr/NcrList.tsx';
import { QualityOverview } from './QualityOverview.tsx';
import { SkillsPage } from './skills/SkillsPage.tsx';
import './quality.css';

export default function QualityModule() {
  const { pathname } = useLocation();
  if (matchPath('/quality', pathname)) return <QualityOverview />;
  if (matchPath('/quality/kpis', pathname)) return <KpisPage />;
  if (matchPath('/quality/gauges', pathname)) return <GaugesPage />;
  if (matchPath('/quality/skills', pathname)) return <SkillsPage />;
  const m = matchPath('/quality/characteristics/:id', pathname);
  if (m) return <CharacteristicPage key={m.id} id={m.id} />;
  const coa = matchPath('/quality/lots/:lotId/certificate', pathname);
  if (coa) return <CertificatePage key={coa.lotId} lotId={coa.lotId} />;
  if (matchPath('/quality/ncrs', pathname)) return <NcrList />;
  const ncr = matchPath('/quality/ncrs/:id', pathname);
  if (ncr) return <NcrDetail key={ncr.id} id={ncr.id} />;
  if (matchPath('/quality/holds', pathname)) return <HoldsPage />;
  if (matchPath('/quality/capas', pathname)) return <CapaList />;
  const capa = matchPath('/quality/capas/:id', pathname);
  if (capa) return <CapaDetail key={capa.id} id={capa.id} />;
  return (
    <Empty title="Page not found">
      <Link to="/quality">Go to quality</Link>.
    </Empty>
  );
}
