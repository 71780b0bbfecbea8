/** What the run must have gone through, or its invariants proved less than they claim. */
export interface Exercised {
  readonly faultsFired: Readonly<Record<string, number>>;
  readonly faultKinds: readonly string[];
  readonly kills: number;
  readonly apiserverRestarted: boolean;
  /** The control-plane EIP left a failing holder for a healthy node. */
  readonly controlPlaneMoves: number;
}

export function notExercised(run: Exercised): string[] {
  return [
    ...run.faultKinds
      .filter((kind) => (run.faultsFired[kind] ?? 0) === 0)
      .map((kind) => `the emulator never injected a ${kind} fault`),
    ...(run.kills > 0 ? [] : ['the daemon was never SIGKILLed']),
    ...(run.apiserverRestarted ? [] : ['kube-apiserver did not restart']),
    ...(run.controlPlaneMoves > 0 ? [] : ['the control-plane EIP never moved off a failing node']),
  ];
}
