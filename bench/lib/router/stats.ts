/** Counters of one router traffic run: what was sent, accepted, delivered, acked, and how fast. */
import { LatencyRecorder } from "../latency.js";
import { RateMeter } from "../rateMeter.js";

export class PipelineStats {
  /** SendMessage calls answered (accepted or not). */
  readonly sent = new RateMeter();
  readonly accepted = new RateMeter();
  /** accepted=false answers; their reasons are counted in `rejectReasons`. */
  readonly rejected = new RateMeter();
  /** StreamItems received by consumers. */
  readonly delivered = new RateMeter();
  /** AckDelivery answered recorded=true: the message went all the way through. */
  readonly acked = new RateMeter();
  /** Send-to-handler latency of delivered items (ms). */
  readonly latency = new LatencyRecorder();
  /** SendMessage round trip (call to answer, ms): where a closed loop's time per message goes. */
  readonly sendCall = new LatencyRecorder();
  /** Paced runs: schedule-to-handler lag (ms), keyed by the time each message was due. */
  readonly lag = new LatencyRecorder();
  readonly rejectReasons = new Map<string, number>();
  /** Call errors (not rejections): count and the first few messages. */
  errorCount = 0;
  readonly errors: string[] = [];
  /** AckDelivery answered recorded=false (a redelivered or unknown copy). */
  unrecordedAcks = 0;

  meters(): RateMeter[] {
    return [this.sent, this.accepted, this.rejected, this.delivered, this.acked];
  }

  reject(reason: string): void {
    this.rejected.mark();
    const key = reason.split(":")[0] ?? reason;
    this.rejectReasons.set(key, (this.rejectReasons.get(key) ?? 0) + 1);
  }

  error(where: string, error: Error): void {
    this.errorCount++;
    if (this.errors.length < 5) this.errors.push(`${where}: ${error.message}`);
  }

  /** "buffer_full x3, no_route x1" or "" */
  rejectSummary(): string {
    return [...this.rejectReasons].map(([k, n]) => `${k} x${n}`).join(", ");
  }
}
