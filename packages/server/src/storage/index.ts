export type { OpenDatabaseOptions, SqliteDatabase } from "./sqlite.js";
export { CorruptDatabaseError, openDatabase } from "./sqlite.js";
export type { Prepare } from "./statements.js";
export { statementCache } from "./statements.js";
