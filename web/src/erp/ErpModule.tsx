// The "ERP link" module, loaded lazily by the shell: /erp/webhooks (admin) and /erp/outbox (delivery status).
import { Empty } from '../platform/components.tsx';
import { Link, matchPath, useLocation } from '../platform/router.tsx';
import { OutboxPage } from './OutboxPage.tsx';
import { WebhooksPage } from './WebhooksPage.tsx';

export default function ErpModule() {
  const { pathname } = useLocation();
  if (matchPath('/erp/webhooks', pathname)) return <WebhooksPage />;
  if (matchPath('/erp/outbox', pathname)) return <OutboxPage />;
  return (
    <Empty title="Page not found">
      <Link to="/erp/outbox">Go to the outbox</Link>.
    </Empty>
  );
}
