import type BetterSqlite3 from 'better-sqlite3';

declare const writableBrand: unique symbol;
declare const readonlyBrand: unique symbol;

/** A handle that may write. */
export type WritableDb = BetterSqlite3.Database & { readonly [writableBrand]: true };
/** A handle opened read-only: queries only. */
export type ReadonlyDb = BetterSqlite3.Database & { readonly [readonlyBrand]: true };
/** Either kind of handle, for functions that only read. */
export type AnyDb = WritableDb | ReadonlyDb;
