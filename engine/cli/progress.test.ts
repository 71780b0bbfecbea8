import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalProgress } from './progress.ts';

class Terminal extends Writable {
  text = '';
  readonly isTTY: boolean;
  constructor(isTTY: boolean) {
    super();
    this.isTTY = isTTY;
  }
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

describe('progress of an observation', () => {
  it('shows what was listed and read, on one line rewritten in place, then clears it', async () => {
    const terminal = new Terminal(true);
    const progress = terminalProgress(terminal)!;
    progress.kubernetesListed('Node');
    progress.metalCall('findIPReservations');
    progress.metalCall('findIPReservations');
    progress.done();
    await new Promise((resolve) => setImmediate(resolve));
    expect(terminal.text).toContain('observing: Kubernetes Nodes; Metal findIPReservations ×2');
    expect(terminal.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('says nothing when stderr is not a terminal (a pipe, a CI log)', () => {
    expect(terminalProgress(new Terminal(false))).toBeUndefined();
  });
});
