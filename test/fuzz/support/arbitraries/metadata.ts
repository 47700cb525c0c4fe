/**
 * Absurd call metadata: `sw4rm-to` with thousands of recipients (one value or many repeated keys),
 * invalid `sw4rm-class`, binary `-bin` keys, huge values, thousands of keys, and gRPC's own header
 * names with nonsense values. Values are printable ASCII (grpc-js refuses anything else before
 * sending; the raw HTTP/2 tests cover non-ASCII header bytes).
 */
import fc from "fast-check";
import type { MetadataEntry } from "../rawClient.js";

const printableChar = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const printable = fc.string({ unit: printableChar, maxLength: 40 });
const ODD_RECIPIENTS = ["", ",", " , ,", "a,,b", "sw4rm-scheduler", "sw4rm-scheduler,sw4rm-scheduler"];
const CLASSES = ["PRIVILEGED", "standard", " BULK ", "1", "2", "3", "0", "4", "-1", "1e3", "", "BULK,STANDARD"];
const GRPC_HEADERS = ["grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "grpc-message", "grpc-status"];

const recipientList = (n: number, agents: readonly string[]): string =>
  Array.from({ length: n }, (_, i) => agents[i % Math.max(1, agents.length)] ?? `fuzz-${i}`).join(",");

function recipients(agents: readonly string[]): fc.Arbitrary<MetadataEntry[]> {
  const known = agents.length > 0 ? fc.constantFrom(...agents) : fc.constant("fuzz-a");
  return fc.oneof(
    known.map((a) => [["sw4rm-to", a] as const]),
    printable.map((v) => [["sw4rm-to", v] as const]),
    fc.constantFrom(...ODD_RECIPIENTS).map((v) => [["sw4rm-to", v] as const]),
    // thousands of recipients in one value: unknown ids, or the same registered ids again and again
    fc.tuple(fc.constantFrom(1000, 3000, 5000), fc.boolean()).map(([n, real]) => {
      const unknown = Array.from({ length: n }, (_, i) => `nobody-${i}`).join(",");
      return [["sw4rm-to", real ? recipientList(n, agents) : unknown] as const];
    }),
    // the key repeated many times
    fc
      .tuple(known, fc.constantFrom(50, 500))
      .map(([a, n]) => Array.from({ length: n }, () => ["sw4rm-to", a] as const)),
  );
}

const sw4rmClass: fc.Arbitrary<MetadataEntry[]> = fc
  .oneof(
    fc.constantFrom(...CLASSES, "COMM_CLASS_UNSPECIFIED"),
    printable,
  )
  .map((v) => [["sw4rm-class", v] as const]);

const binary: fc.Arbitrary<MetadataEntry[]> = fc
  .tuple(
    fc.constantFrom("x-fuzz-bin", "sw4rm-to-bin", "sw4rm-class-bin", "grpc-status-details-bin"),
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.constantFrom(64 * 1024, 256 * 1024).map((n) => new Uint8Array(n).fill(0xff)),
    ),
  )
  .map(([k, v]) => [[k, Buffer.from(v)] as const]);

const hugeValue: fc.Arbitrary<MetadataEntry[]> = fc
  .tuple(
    fc.constantFrom("x-fuzz", "x-correlation-id", "sw4rm-class", "user-agent"),
    fc.constantFrom(8 * 1024, 64 * 1024, 1024 * 1024),
  )
  .map(([k, n]) => [[k, "v".repeat(n)] as const]);

const manyKeys: fc.Arbitrary<MetadataEntry[]> = fc
  .constantFrom(100, 1000, 3000)
  .map((n) => Array.from({ length: n }, (_, i) => [`x-fuzz-${i}`, String(i)] as const));

/** gRPC's own headers with nonsense values (the transport must reject or ignore them, not crash). */
const grpcHeaders: fc.Arbitrary<MetadataEntry[]> = fc
  .tuple(
    fc.constantFrom(...GRPC_HEADERS, "te", "content-type"),
    fc.oneof(fc.constantFrom("abc", "99999999999H", "-1S", "gzip", "bogus", "1n", ""), printable),
  )
  .map(([k, v]) => [[k, v] as const]);

/** Metadata for one call: usually none, often one absurd aspect, sometimes several. */
export function absurdMetadata(agents: readonly string[]): fc.Arbitrary<MetadataEntry[]> {
  const aspect = fc.oneof(
    { arbitrary: recipients(agents), weight: 4 },
    { arbitrary: sw4rmClass, weight: 3 },
    { arbitrary: binary, weight: 2 },
    { arbitrary: hugeValue, weight: 1 },
    { arbitrary: manyKeys, weight: 1 },
    { arbitrary: grpcHeaders, weight: 1 },
  );
  return fc.oneof(
    { arbitrary: fc.constant<MetadataEntry[]>([]), weight: 6 },
    { arbitrary: aspect, weight: 4 },
    { arbitrary: fc.array(aspect, { minLength: 2, maxLength: 3 }).map((a) => a.flat()), weight: 1 },
  );
}
