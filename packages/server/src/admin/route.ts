/** An admin HTTP route a module contributes (JSON in, snake_case JSON views out). */
import type { ServerResponse } from "node:http";

export interface AdminRequest {
  readonly url: URL;
  /** Capture groups of the route's pattern, URI-decoded. */
  readonly params: readonly string[];
  /** The parsed JSON body (undefined when empty); 400/413 on bad or oversize bodies. */
  readonly body: () => Promise<unknown>;
  /** For handlers that stream their answer themselves (they return undefined). */
  readonly res: ServerResponse;
}

export interface AdminRoute {
  readonly method: "GET" | "POST" | "DELETE";
  /** Anchored pattern of the path, e.g. /^\/v1\/tasks\/([^/]+)$/. */
  readonly pattern: RegExp;
  /** Returns the JSON body (sent as 200), or writes the response itself and returns undefined. */
  readonly handler: (req: AdminRequest) => Promise<unknown>;
}
