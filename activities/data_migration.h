// The data migration activities of JARVIS's long-running data_migration task: copy a table from
// one SQLite file to another in batches, one activity per batch, so that a migration of millions
// of rows is a sequence of short activities that can each fail and be retried.
//
// Batch b covers rows [b * batch_size, (b + 1) * batch_size) of the source table in key order:
// rowid (the INTEGER PRIMARY KEY when the table has one), or the primary key of a WITHOUT ROWID
// table. Each batch is one transaction on the target and writes with INSERT OR REPLACE on that
// key, so a batch retried after a crash, or run twice, leaves the target exactly as running it
// once does. The source must not change while it is migrated: batches are positions in it.
//
// The target table is created, when missing, from the source's own CREATE TABLE statement and
// CREATE INDEX statements (sqlite_master), in the batch's transaction. Triggers are not copied:
// they would fire on the copied rows.
//
// With activities/sqlite_file.h, the one place outside storage/ that uses SQLite: it works on
// the user's database files, not on Endure's store.
#pragma once

#include "runtime/activity.h"

namespace endure::activities {

// Input:  {"source_db": path, "target_db": path, "table": string, "batch": int >= 0,
//          "batch_size": int in [1, 1000000]}
// Output: {"batch": int, "rows_copied": int, "done": bool}
// done: no rows of the source follow this batch (so it is true, for instance, for a batch that
// copies exactly the last batch_size rows, and the caller does not need an empty batch to learn
// it). Heartbeats {"batch", "rows_copied"} every 1000 rows; a cancelled batch rolls back and
// throws runtime::CancelledError.
//
// Errors (non-retryable ApplicationError unless noted): "InvalidTable" for a name that is not
// an identifier ([A-Za-z_][A-Za-z0-9_]*, not sqlite_*) or no table of the source;
// "MissingDatabase" when source_db is not a file; "InvalidInput"; "SchemaMismatch" when the
// target's table lacks columns of the source's; "CorruptDatabase"; "DatabaseBusy" (retryable);
// "DatabaseError" (retryable, except for files that cannot be opened or written).
runtime::Json CopyRowsBatch(runtime::ActivityContext& ctx, const runtime::Json& input);

// Input:  {"db": path, "table": string}
// Output: {"rows": int}
// Errors as CopyRowsBatch's, "MissingDatabase" being about `db`.
runtime::Json CountRows(runtime::ActivityContext& ctx, const runtime::Json& input);

}  // namespace endure::activities
