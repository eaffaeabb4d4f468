// The execution module put together: orders (intake, release, dispatch) and the shop floor (terminal, andon,
// parameter lock, labour), with the lot ledger plugged in when the lots module is present.
import type { CollectHistory, CollectService } from '../collect/index.ts';
import type { CommandService } from '../connectors/index.ts';
import type { TaktModule } from '../platform/app.ts';
import { AppError } from '../platform/errors.ts';
import type { AppContext } from '../platform/context.ts';
import type { EventStream } from '../platform/http/sse.ts';
import { rowsOf, sql } from '../platform/db/database.ts';
import { PlantService } from '../plant/index.ts';
import { AndonService } from './andon.service.ts';
import type { LotLedger } from './contracts.ts';
import { executionRoutes } from './execution.routes.ts';
import { ExecutionService } from './execution.service.ts';
import { ShopFloor } from './shopfloor.service.ts';
import { ShopFloorViews, type ShopFloorDeps } from './shopfloor.views.ts';
import { terminalRoutes } from './terminal.routes.ts';
import { RunWatch } from './watch.ts';

export interface ExecutionModule extends TaktModule {
  orders: ExecutionService;
  floor: ShopFloor;
  watch: RunWatch;
  /** Plugs in the material lot ledger (the lots module). */
  setLedger(ledger: LotLedger): void;
}

/** `history` is collect's history port: an operation's machine counts and downtime are read through it only. */
export async function createExecutionModule(
  ctx: AppContext,
  collect: CollectService,
  history: CollectHistory,
  commands: CommandService,
  opts: { recipeTimeoutMs?: number } = {},
): Promise<ExecutionModule> {
  let ledger: LotLedger | undefined;
  const plant = new PlantService(ctx.db, ctx.events);
  const watch = new RunWatch(ctx, collect, plant);
  const deps: ShopFloorDeps = {
    collect,
    history,
    commands,
    plant,
    ledger: () => ledger,
    productOf: async (db, orderId) => {
      const [o] = await rowsOf<{ product_id: string }>(db, sql`SELECT product_id FROM production_orders WHERE id = ${orderId}`);
      if (!o) return undefined;
      // the product is the plant model's: asked through its face, on this transaction
      const p = await new PlantService(db, ctx.events).getCode('product', o.product_id).catch((err: unknown) => {
        if (err instanceof AppError && err.code === 'not_found') return undefined;
        throw err;
      });
      return p && { id: p.id, name: p.name, materialId: (p as { materialId?: string | null }).materialId ?? null };
    },
    views: undefined as unknown as ShopFloorViews,
    // awaited by the action, so the machine's data carries the operation once setup answers (collect/history.ts)
    onRunChanged: (equipmentId) => watch.reload(equipmentId).catch((err) => ctx.log.warn({ err }, 'execution: reloading running operations failed')),
    recipeTimeoutMs: opts.recipeTimeoutMs,
  };
  deps.views = new ShopFloorViews(ctx.db, () => deps);
  const floor = new ShopFloor(ctx, deps);
  const andon = new AndonService(ctx, (s) => collect.equipment(s).path);
  const orders = new ExecutionService(ctx.db, ctx.events);
  const streams = new Set<EventStream>();
  await watch.start();
  return {
    name: 'execution',
    orders,
    floor,
    watch,
    setLedger: (l) => void (ledger = l),
    routes: async (app, c) => {
      executionRoutes(app, c, orders);
      terminalRoutes(app, c, { floor, views: deps.views, andon, streams });
    },
    closing: () => {
      for (const s of streams) s.close();
    },
    stop: async () => watch.stop(),
  };
}
