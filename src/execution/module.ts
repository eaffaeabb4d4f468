// The execution module put together: orders (intake, release, dispatch) and the shop floor (terminal, andon,
// parameter lock, labour), with the lot ledger plugged in when the lots module is present.
import type { CollectHistory, MachineView, OrderContextPort } from '../collect/index.ts';
import type { MachineCommands } from '../connectors/index.ts';
import type { TaktModule } from '../platform/app.ts';
import { AppError } from '../platform/errors.ts';
import type { AppContext } from '../platform/context.ts';
import type { EventStream } from '../platform/http/sse.ts';
import { rowsOf, sql } from '../platform/db/database.ts';
import type { EquipmentLookup } from '../plant/index.ts';
import { AndonService } from './andon.service.ts';
import type { ChecksGate } from './checks-gate.ts';
import type { RepairGate } from './repair-gate.ts';
import type { LotLedger, Qualifications } from './contracts.ts';
import { executionRoutes } from './execution.routes.ts';
import { createOperationHolds, type OperationHolds } from './holds.ts';
import { ExecutionService } from './execution.service.ts';
import { ShopFloor } from './shopfloor.service.ts';
import { ShopFloorViews, type ViewDeps } from './shopfloor.views.ts';
import { terminalRoutes } from './terminal.routes.ts';
import { RunWatch } from './watch.ts';

export interface ExecutionModule extends TaktModule {
  orders: ExecutionService;
  floor: ShopFloor;
  watch: RunWatch;
  /** Holds on operations (quality's port): a held operation cannot be completed. */
  holds: OperationHolds;
}

/** The ports execution receives; `ledger` is the lots module's, absent without it. */
export interface ExecutionDeps {
  plant: EquipmentLookup;
  /** collect's machines as it knows them now (by path, state, latest values) */
  machines: MachineView;
  /** how the running operations give collect the order context of their machines' data */
  orderContext: OrderContextPort;
  /** collect's history port: an operation's machine counts and downtime are read through it only */
  history: CollectHistory;
  /** machine commands (the connectors): recipes are written to the machine through them */
  commands: MachineCommands;
  ledger?: LotLedger;
  /** operator qualification (the quality module's): sign-in at a station is refused to a person lacking a required skill */
  qualifications?: Qualifications;
  /** quality's checks: one overdue past its grace refuses the machine's production actions (checks-gate.ts) */
  checks?: ChecksGate;
  /** maintenance's repairs, bound late: a machine under repair refuses setup, start and resume (repair-gate.ts) */
  repairs?: RepairGate;
}

export async function createExecutionModule(ctx: AppContext, deps: ExecutionDeps, opts: { recipeTimeoutMs?: number } = {}): Promise<ExecutionModule> {
  const { plant, machines, orderContext, history, commands, ledger } = deps;
  const watch = new RunWatch(ctx, { machines, orderContext }, plant);
  const viewDeps: ViewDeps = {
    collect: machines,
    history,
    commands,
    plant,
    ledger: () => ledger,
    productOf: async (db, orderId) => {
      const [o] = await rowsOf<{ product_id: string }>(db, sql`SELECT product_id FROM production_orders WHERE id = ${orderId}`);
      if (!o) return undefined;
      // the product is the plant model's: asked through its port, on this transaction
      const p = await plant
        .on(db)
        .getCode('product', o.product_id)
        .catch((err: unknown) => {
          if (err instanceof AppError && err.code === 'not_found') return undefined;
          throw err;
        });
      return p && { id: p.id, name: p.name, materialId: (p as { materialId?: string | null }).materialId ?? null };
    },
    // awaited by the action, so the machine's data carries the operation once setup answers (collect/history.ts)
    onRunChanged: (equipmentId) => watch.reload(equipmentId).catch((err) => ctx.log.warn({ err }, 'execution: reloading running operations failed')),
    recipeTimeoutMs: opts.recipeTimeoutMs,
  };
  const views = new ShopFloorViews(ctx.db, viewDeps);
  const floor = new ShopFloor(ctx, { ...viewDeps, views, checks: deps.checks, repairs: deps.repairs }, deps.qualifications);
  const andon = new AndonService(ctx, (s) => machines.equipment(s).path);
  const orders = new ExecutionService(ctx.db, ctx.events, plant);
  const streams = new Set<EventStream>();
  await watch.start();
  return {
    name: 'execution',
    orders,
    floor,
    watch,
    holds: createOperationHolds(ctx.db),
    routes: async (app) => {
      executionRoutes(orders)(app);
      terminalRoutes(ctx, { floor, views, andon, streams, plant })(app);
    },
    closing: () => {
      for (const s of streams) s.close();
    },
    stop: async () => watch.stop(),
  };
}
