import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { apiError, makeEvent, PurgePlanStatus, type PurgePlanView, type PurgeProgress, type Reply, type Settings } from '@crux/contracts';
import {
  checkConfirmRequest,
  checkPlanIdRequest,
  checkPurgePlanRequest,
  confirmRefusal,
  hashToken,
  idsHash,
  newConfirmToken,
  PURGE_SAMPLE_SIZE,
  purgeFilterOf,
  purgeProgress,
  selectForPurge,
  type StoredPlan,
} from '../domain/index.js';
import type { EventPublisher } from '../events/event-publisher.js';
import { purgeConfirmedEvent, type PurgeExecutor } from './purge-executor.js';
import { ConfirmCode, type PurgeStore } from './purge-store.js';

/**
 * Operator purge requests, in two steps. A plan freezes the exact ids matching its filters
 * (never a held job) and hands out a confirm token bound to that list, stored only hashed,
 * that expires. Confirming hands the plan to the executor (PurgeExecutor), whose start,
 * stop and resume this service's lifecycle drives through here.
 */
export class PurgeService {
  private readonly logger = new Logger(PurgeService.name);

  constructor(
    private readonly settings: Settings,
    private readonly store: PurgeStore,
    private readonly publisher: EventPublisher,
    private readonly executor: PurgeExecutor,
  ) {}

  async plan(request: unknown): Promise<Reply<PurgePlanView>> {
    const checked = checkPurgePlanRequest(request);
    if (!checked.ok) return checked;
    const query = checked.value;
    const now = Date.now();
    const ids = selectForPurge(await this.store.candidates(query, now), query, now);
    const token = newConfirmToken();
    const plan: StoredPlan = {
      planId: randomUUID(),
      status: PurgePlanStatus.Planned,
      count: ids.length,
      erase: query.erase,
      expiresMs: now + this.settings.purgePlanTtlS * 1000,
      tokenHash: hashToken(token),
      createdBy: query.actor,
      createdAt: new Date(now).toISOString(),
      confirmedBy: null,
      idsHash: idsHash(ids),
      filter: purgeFilterOf(query),
      reason: query.reason,
      sample: ids.slice(0, PURGE_SAMPLE_SIZE),
      deleted: 0,
      skipped: 0,
      failed: 0,
      cursor: 0,
    };
    await this.store.create(plan, ids);
    const expiresAt = new Date(plan.expiresMs).toISOString();
    await this.publisher.publish(
      makeEvent('purge_planned', plan.planId, query.actor, {
        plan_id: plan.planId,
        count: plan.count,
        filter: plan.filter,
        erase: plan.erase,
        expires_at: expiresAt,
        ids_hash: plan.idsHash,
        reason: plan.reason,
      }),
    );
    this.logger.log(
      `purge plan ${plan.planId} by ${query.actor.id}: ${plan.count} jobs${plan.erase ? ', erase' : ''}, confirmable until ${expiresAt}`,
    );
    return {
      ok: true,
      value: {
        plan_id: plan.planId,
        count: plan.count,
        sample: plan.sample,
        erase: plan.erase,
        expires_at: expiresAt,
        confirm_token: token,
      },
    };
  }

  async confirm(request: unknown): Promise<Reply<PurgeProgress>> {
    const checked = checkConfirmRequest(request);
    if (!checked.ok) return checked;
    const { actor, planId, token } = checked.value;
    const plan = await this.store.read(planId);
    const now = Date.now();
    const refusal = confirmRefusal(plan, planId, token, now);
    if (refusal || !plan) return { ok: false, error: refusal ?? apiError(404, 'Not Found', `purge plan ${planId} not found`) };
    // The token matched; the script makes planned → running happen once however many confirm.
    const code = await this.store.confirm(planId, actor, now);
    if (code !== ConfirmCode.Confirmed) {
      const again = await this.store.read(planId);
      return {
        ok: false,
        error: confirmRefusal(again, planId, token, Date.now()) ?? apiError(409, 'Conflict', `purge plan ${planId} was already confirmed`),
      };
    }
    const running: StoredPlan = { ...plan, status: PurgePlanStatus.Running, confirmedBy: actor };
    // In the trail before any of its deletions.
    await this.publisher.publish(purgeConfirmedEvent(running));
    this.logger.log(`purge plan ${planId} confirmed by ${actor.id}: deleting ${plan.count} jobs`);
    this.executor.execute(planId);
    return { ok: true, value: purgeProgress(running, now) };
  }

  async status(request: unknown): Promise<Reply<PurgeProgress>> {
    const checked = checkPlanIdRequest(request);
    if (!checked.ok) return checked;
    const plan = await this.store.read(checked.value);
    if (!plan) return { ok: false, error: apiError(404, 'Not Found', `purge plan ${checked.value} not found`) };
    return { ok: true, value: purgeProgress(plan, Date.now()) };
  }

  resume(): Promise<void> {
    return this.executor.resume();
  }

  stop(): Promise<void> {
    return this.executor.stop();
  }

  start(): void {
    this.executor.start();
  }

  /** Resolves once no plan is executing in this replica (tests). */
  idle(): Promise<void> {
    return this.executor.idle();
  }
}
