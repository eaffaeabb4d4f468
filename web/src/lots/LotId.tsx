// A lot number as every lots page shows it: on one line, cut with an ellipsis when too long (the full number in
// its title), and a link to its trace when there is one.
import { Link } from '../platform/router.tsx';

export function LotId({ id, to }: { id: string; to?: string }) {
  return to ? (
    <Link to={to} className="lot-id" title={id} data-testid="lot-id">
      {id}
    </Link>
  ) : (
    <span className="lot-id" title={id} data-testid="lot-id">
      {id}
    </span>
  );
}
