// Live refresh by polling while the page is visible: quality has no event stream yet, and an SPC chart that is a few
// seconds behind is honest about it (the page says when it last read), where a hidden tab need not load anything.
import { useEffect, useState } from 'react';

/** The time now, renewed every `ms` while the document is visible and at once when it becomes visible again. */
export function useVisibleTick(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = () => {
      if (document.visibilityState === 'visible') setNow(Date.now());
    };
    const h = setInterval(tick, ms);
    document.addEventListener('visibilitychange', tick);
    return () => {
      clearInterval(h);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [ms]);
  return now;
}
