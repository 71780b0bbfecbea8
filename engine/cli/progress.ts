import type { Writable } from 'node:stream';
import type { ObservationProgress } from '../observe/live.ts';

/**
 * Progress of a one-shot observation on one line of stderr, rewritten in place — only on a
 * terminal (a pipe or a CI log gets nothing). `done()` clears the line.
 */
export function terminalProgress(
  stderr: Writable & { isTTY?: boolean },
): (ObservationProgress & { done(): void }) | undefined {
  if (stderr.isTTY !== true) return undefined;
  const listed: string[] = [];
  const calls = new Map<string, number>();
  const show = (): void => {
    const metal = [...calls].map(([op, n]) => `${op} ×${String(n)}`).join(', ');
    stderr.write(
      `\r\x1b[Kobserving: Kubernetes ${listed.join(', ') || '…'}; Metal ${metal || '…'}`,
    );
  };
  return {
    kubernetesListed(kind) {
      listed.push(`${kind}s`);
      show();
    },
    metalCall(operation) {
      calls.set(operation, (calls.get(operation) ?? 0) + 1);
      show();
    },
    done() {
      stderr.write('\r\x1b[K');
    },
  };
}
