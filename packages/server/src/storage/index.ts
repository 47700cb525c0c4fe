export type { OpenDatabaseOptions, SqliteDatabase } from "./sqlite.js";
export { CorruptDatabaseError, openDatabase } from "./sqlite.js";
export type { Prepare } from "./statements.js";
export { statementCache } from "./statements.js";
export type { StorageFailureContext } from "./storageErrors.js";
export { storageFailure } from "./storageErrors.js";
export { WalSyncer } from "./walSync.js";
