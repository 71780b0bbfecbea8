/** A first-in, first-out queue that does not move its items on every take (a plan can hold 20,000). */
class Queue<T> {
  #items: T[] = [];
  #head = 0;

  push(item: T): void {
    this.#items.push(item);
  }

  take(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head++];
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
}

/**
 * Runs tasks at most `concurrency` at a time. A task an earlier one released (the next step of a
 * Service's chain) goes before the tasks that were ready from the start, so each chain finishes
 * early instead of every chain waiting for every first step: in a plan of 5,000 Services the
 * first address is given in the first seconds, not once every finalizer is on.
 */
export class Slots {
  readonly #concurrency: number;
  readonly #released = new Queue<() => Promise<void>>();
  readonly #ready = new Queue<() => Promise<void>>();
  #running = 0;

  constructor(concurrency: number) {
    this.#concurrency = Math.max(1, concurrency);
  }

  run(task: () => Promise<void>, released: boolean): void {
    (released ? this.#released : this.#ready).push(task);
    this.#pump();
  }

  #pump(): void {
    while (this.#running < this.#concurrency) {
      const task = this.#released.take() ?? this.#ready.take();
      if (task === undefined) return;
      this.#running++;
      void task().finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }
}
