// Public API of @sw4rm/testing: real services in-process for agent tests.
export type { TestStack, TestStackOptions } from "./testStack.js";
export { startTestStack } from "./testStack.js";
export { ManualClock } from "@sw4rm/protocol";
