/** IPC messages between the bench process and a consumer child process (consumerMain.ts). */

export interface ConsumerStart {
  readonly routerAddr: string;
  readonly agentIds: readonly string[];
  readonly streamsPerChannel?: number;
}

export type ConsumerEvent =
  | { readonly type: "ready" }
  | { readonly type: "stopped" }
  | { readonly type: "failed"; readonly error: string }
  | {
      readonly type: "counts";
      /** Increments since the previous "counts" event. */
      readonly delivered: number;
      readonly acked: number;
      readonly unrecordedAcks: number;
      /** Flat (sentAt, latencyMs) pairs. */
      readonly samples: readonly number[];
      /** Flat (dueAt, lagMs) pairs of paced messages. */
      readonly lagSamples: readonly number[];
      /** New error messages (at most the first few overall) and the new error count. */
      readonly errors: readonly string[];
      readonly errorCount: number;
    };
