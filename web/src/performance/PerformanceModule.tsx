// The "Performance" module, loaded lazily by the shell: /performance (plant/line overview), /performance/<id>,
// /performance/bottleneck, /performance/alert-rules and /performance/alarm-reasons.
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { AlarmReasons } from './AlarmReasons.tsx';
import { AlertRules } from './AlertRules.tsx';
import { Bottleneck } from './Bottleneck.tsx';
import { MachineKpis } from './MachineKpis.tsx';
import { Overview } from './Overview.tsx';
import './performance.css';

export default function PerformanceModule() {
  const { pathname } = useLocation();
  if (matchPath('/performance', pathname)) return <Overview />;
  if (matchPath('/performance/bottleneck', pathname)) return <Bottleneck />;
  if (matchPath('/performance/alert-rules', pathname)) return <AlertRules />;
  if (matchPath('/performance/alarm-reasons', pathname)) return <AlarmReasons />;
  const m = matchPath('/performance/:id', pathname);
  if (m) return <MachineKpis key={m.id} id={m.id} />;
  return (
    <Empty title="Page not found">
      <Link to="/performance">Go to the performance overview</Link>.
    </Empty>
  );
}
