/** Reads a setting given as text (an env var or a flag) by its declared kind, naming the source on error. */
import type { SettingOption } from "../services/entry.js";
import type { JsonValue } from "./config.js";

export function readSettingText(kind: SettingOption["kind"], text: string, source: string): JsonValue {
  const t = text.trim();
  switch (kind) {
    case "string":
      return t;
    case "integer":
    case "number": {
      const n = Number(t);
      if (t === "" || !Number.isFinite(n) || (kind === "integer" && !Number.isInteger(n)))
        throw new Error(`${source} must be ${kind === "integer" ? "an integer" : "a number"}, got "${text}"`);
      return n;
    }
    case "boolean": {
      const v = t.toLowerCase();
      if (["true", "1", "yes", "on"].includes(v)) return true;
      if (["false", "0", "no", "off"].includes(v)) return false;
      throw new Error(`${source} must be true/false (or 1/0, yes/no, on/off), got "${text}"`);
    }
    case "json":
      try {
        return JSON.parse(t) as JsonValue;
      } catch (err) {
        throw new Error(`${source} must be JSON (${(err as Error).message})`);
      }
  }
}
