/**
 * In-process wake-up for idle delivery streams (no polling): `notify` before or during a `wait`
 * is never lost, because a pending flag is kept until the next wait consumes it.
 */
export class Waker {
  #pending = false;
  #resolve: (() => void) | undefined;

  notify(): void {
    const resolve = this.#resolve;
    if (resolve) {
      this.#resolve = undefined;
      resolve();
    } else {
      this.#pending = true;
    }
  }

  wait(): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }
}
