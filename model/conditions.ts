/** A condition as Nodes and Services carry it in `status.conditions`. */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

/** A condition as it is stored: with when its status last changed (and, on a Node, was reported). */
export interface StoredCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
  readonly lastTransitionTime?: string | Date;
  readonly lastHeartbeatTime?: string | Date;
}

/** What a condition's time fields hold once written (client-node types them as Date, JSON has text). */
const timeText = (time: string | Date | undefined): string | undefined =>
  time instanceof Date ? time.toISOString() : time;

/**
 * The conditions with `wanted` set, written only on a transition: the same array when its status,
 * reason and message are as wanted already (no write each loop). `lastTransitionTime` moves only
 * when the status changes; `heartbeat` adds `lastHeartbeatTime` (a Node's), set at every write.
 * Every other condition (the kubelet's) is kept where it is.
 */
export function withCondition(
  conditions: readonly StoredCondition[] | undefined,
  wanted: Condition,
  time: string,
  heartbeat = false,
): readonly StoredCondition[] | undefined {
  const list = conditions ?? [];
  const index = list.findIndex((c) => c.type === wanted.type);
  const current = list[index];
  if (
    current?.status === wanted.status &&
    current.reason === wanted.reason &&
    current.message === wanted.message
  )
    return conditions;
  const transition =
    current?.status === wanted.status ? timeText(current.lastTransitionTime) : undefined;
  const next: StoredCondition = {
    type: wanted.type,
    status: wanted.status,
    ...(heartbeat ? { lastHeartbeatTime: time } : {}),
    lastTransitionTime: transition ?? time,
    reason: wanted.reason,
    message: wanted.message,
  };
  return index < 0 ? [...list, next] : list.map((c, i) => (i === index ? next : c));
}

/** The conditions without `type`: the same array when there is none of it (nothing to write). */
export function withoutCondition(
  conditions: readonly StoredCondition[] | undefined,
  type: string,
): readonly StoredCondition[] | undefined {
  return conditions?.some((c) => c.type === type) === true
    ? conditions.filter((c) => c.type !== type)
    : conditions;
}
