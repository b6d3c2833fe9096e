"""Reading other platforms' exports into Rexian's event log and interchange files, and writing them out.

The pipeline: `readers` turn a file into numbered source rows; `flow` (one row per action) or `snapshots`
(one row per update of a ticket) turn rows into ticket histories following a declarative `mapping`;
`histories` seal them into hash-chained event records; `store` writes them into the database idempotently,
`interchange` into files. Every row that cannot be used is a `Reject` with its file, row, column and reason.
"""
