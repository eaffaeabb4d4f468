// The MTTR split of one order: waiting for a technician, repair, waiting for parts, other (docs/maintenance.md).
import type { MttrSplit } from '../../../../src/maintenance/index.ts';

const minutes = (m: number) => (m >= 90 ? `${(m / 60).toFixed(1)} h` : `${Math.round(m)} min`);

export function MttrFigures({ mttr }: { mttr: MttrSplit }) {
  return (
    <dl className="tech-mttr" data-testid="tech-mttr">
      <div>
        <dt>Since {mttr.basis === 'stop' ? 'the stop' : 'the request'}</dt>
        <dd>{minutes(mttr.totalMinutes)}</dd>
      </div>
      <div>
        <dt>Waiting for a technician</dt>
        <dd>{minutes(mttr.waitingForTechnicianMinutes)}</dd>
      </div>
      <div>
        <dt>Repair</dt>
        <dd>{minutes(mttr.repairMinutes)}</dd>
      </div>
      <div>
        <dt>Waiting for parts</dt>
        <dd>{minutes(mttr.waitingForPartsMinutes)}</dd>
      </div>
      <div>
        <dt>Other pauses</dt>
        <dd>{minutes(mttr.otherMinutes)}</dd>
      </div>
    </dl>
  );
}
