export type { OpenDatabaseOptions, SqliteDatabase } from "./sqlite.js";
export { CorruptDatabaseError, openDatabase } from "./sqlite.js";
