import type { ProbeResult } from '../../model/snapshot.ts';
import { directAgents, NoAnswerError, send, type Agents } from '../metal/http.ts';

export interface ProbeTarget {
  readonly address: string;
  readonly port: number;
  /** For the EIP: the device that holds it; a new holder is a new target. */
  readonly holder?: string;
}

export interface ProberOptions {
  readonly intervalMs: number;
  /** Per probe; a kube-apiserver that takes longer than this is not healthy. */
  readonly timeoutMs?: number;
  /** Called when a result changes: a probe flips, or a failing one fails again. */
  readonly onChange: () => void;
  readonly log?: { debug: (details: object, message: string) => void };
}

const key = (t: ProbeTarget): string => `${t.address}:${String(t.port)}@${t.holder ?? ''}`;

/**
 * Probes `GET https://<address>:<port>/healthz` of the control-plane EIP and nodes every interval,
 * all at once, TLS not verified (the kube-apiserver's certificate does not name the EIP), and
 * counts failures in a row: the planners' memory of health, so one lost probe moves nothing.
 */
export class ControlPlaneProber {
  readonly #options: ProberOptions;
  readonly #agents: Agents;
  #targets: ProbeTarget[] = [];
  #results = new Map<string, ProbeResult>();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> | undefined;
  #stopped = false;

  constructor(options: ProberOptions) {
    this.#options = options;
    // Straight to each node (as upstream's probe), a new connection per probe: a kept one would not
    // show that connecting fails.
    this.#agents = directAgents({ rejectUnauthorized: false });
  }

  get #timeoutMs(): number {
    return this.#options.timeoutMs ?? Math.min(2000, this.#options.intervalMs);
  }

  start(): void {
    this.#schedule(0);
  }

  /** What to probe from now on; new targets are probed at once. */
  setTargets(targets: readonly ProbeTarget[]): void {
    const fresh = targets.some((t) => !this.#results.has(key(t)));
    this.#targets = [...targets];
    const wanted = new Set(targets.map(key));
    for (const k of this.#results.keys()) if (!wanted.has(k)) this.#results.delete(k);
    if (fresh && this.#round === undefined) this.#schedule(0);
  }

  results(): ProbeResult[] {
    return [...this.#results.values()];
  }

  /** Runs one round now and waits for it (tests, one-shot plans). */
  async probeOnce(): Promise<void> {
    await this.#probeAll();
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#round = this.#probeAll().finally(() => {
        this.#round = undefined;
        this.#schedule(this.#options.intervalMs);
      });
    }, ms);
  }

  async #probeAll(): Promise<void> {
    const targets = this.#targets;
    const outcomes = await Promise.all(targets.map((t) => this.#probe(t)));
    let changed = false;
    for (const [i, t] of targets.entries()) {
      const outcome = outcomes[i];
      // A target dropped while it was being probed has no result any more.
      if (outcome === undefined || !this.#targets.some((x) => key(x) === key(t))) continue;
      const before = this.#results.get(key(t));
      const result: ProbeResult = {
        ...t,
        ...outcome,
        consecutiveFailures: outcome.ok ? 0 : (before?.consecutiveFailures ?? 0) + 1,
      };
      if (before?.ok !== result.ok || before.consecutiveFailures !== result.consecutiveFailures)
        changed = true;
      this.#results.set(key(t), result);
    }
    if (changed) {
      this.#options.log?.debug({ probes: this.results() }, 'health probes changed');
      this.#options.onChange();
    }
  }

  async #probe(
    t: ProbeTarget,
  ): Promise<Omit<ProbeResult, 'address' | 'port' | 'consecutiveFailures'>> {
    const host = t.address.includes(':') ? `[${t.address}]` : t.address;
    try {
      const { status } = await send(
        {
          method: 'GET',
          url: new URL(`https://${host}:${String(t.port)}/healthz`),
          signal: AbortSignal.timeout(this.#timeoutMs),
        },
        this.#agents,
      );
      return status === 200 ? { ok: true, status: 200 } : { ok: false, status };
    } catch (error) {
      const code = error instanceof NoAnswerError ? error.code : String(error);
      return {
        ok: false,
        error: code === 'ERR_CANCELED' ? `no answer within ${String(this.#timeoutMs)} ms` : code,
      };
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#round;
    this.#agents.destroy();
  }
}
