//! The two dialects' migrations must build the same schema: tables, columns with their
//! types, nullability and defaults, keys, constraints, indexes and triggers. Each side is
//! read back from the migrated database (not from the migration files) and described in
//! one vocabulary; the descriptions must match but for `DIALECT_ONLY`.

use std::collections::BTreeSet;

use hoso_testkit::postgres::TestDatabase;
use sqlx::AnyPool;

use super::{postgres, sqlite};

/// What one dialect has for a reason of its own, with the reason.
const DIALECT_ONLY: &[(&str, &str)] = &[
    // LISTEN/NOTIFY wakes idle workers on PostgreSQL; SQLite's one process polls.
    ("postgres", "trigger jobs after insert"),
    ("postgres", "trigger jobs after update"),
    // Names are searched anywhere in their folded text; trigrams (pg_trgm) index that on
    // PostgreSQL, SQLite scans its one office's records.
    ("postgres", "index record_search record_search_folded ()"),
];

#[tokio::test]
async fn both_dialects_migrate_to_the_same_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    let lite = describe_sqlite(sqlite(&dir).await.pool()).await;
    let pg = describe_postgres(postgres(&db).await.pool()).await;
    let differences = compare(&lite, &pg);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // The description is not empty by accident: every table and its keys are there.
    for table in [
        "originals",
        "jobs",
        "job_attempts",
        "records",
        "tokens",
        "access_log",
    ] {
        assert!(lite.contains(&format!("table {table}")), "{lite:?}");
    }
    assert!(
        lite.contains(
            "index records records_live_content unique (content_key) where (extracted,verified)"
        ),
        "{lite:?}"
    );
}

/// A migration applied to one dialect only is caught: here a column the other lacks.
#[tokio::test]
async fn a_change_to_one_dialect_alone_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    let lite = sqlite(&dir).await;
    sqlx::query("ALTER TABLE tokens ADD COLUMN note TEXT")
        .execute(lite.pool())
        .await
        .unwrap();
    sqlx::query("CREATE INDEX tokens_role ON tokens (role)")
        .execute(lite.pool())
        .await
        .unwrap();
    let differences = compare(
        &describe_sqlite(lite.pool()).await,
        &describe_postgres(postgres(&db).await.pool()).await,
    );
    assert_eq!(
        differences,
        [
            "only in sqlite: column tokens.note text null",
            "only in sqlite: index tokens tokens_role (role)",
        ]
    );
}

fn compare(sqlite: &BTreeSet<String>, postgres: &BTreeSet<String>) -> Vec<String> {
    let allowed =
        |dialect: &str, line: &String| DIALECT_ONLY.iter().any(|(d, l)| *d == dialect && l == line);
    let mut differences: Vec<String> = sqlite
        .difference(postgres)
        .filter(|l| !allowed("sqlite", l))
        .map(|l| format!("only in sqlite: {l}"))
        .collect();
    differences.extend(
        postgres
            .difference(sqlite)
            .filter(|l| !allowed("postgres", l))
            .map(|l| format!("only in postgres: {l}")),
    );
    differences
}

fn column_type(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "int8" => "integer",
        "text" => "text",
        "blob" | "bytea" => "blob",
        "real" | "double precision" | "float8" => "real",
        _ => "unknown",
    }
}

/// The quoted literals of a check or an index predicate, sorted: `status IN ('a', 'b')`
/// and `status = ANY (ARRAY['a'::text, 'b'::text])` both give `(a,b)`.
fn literals(text: &str) -> String {
    let mut found: Vec<&str> = text.split('\'').skip(1).step_by(2).collect();
    found.sort_unstable();
    format!("({})", found.join(","))
}

/// The first column a check names: the word after its opening parentheses.
fn checked_column(text: &str) -> String {
    let start = text.find("CHECK").map(|i| &text[i + 5..]).unwrap_or(text);
    start
        .trim_start_matches([' ', '('])
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default()
        .to_string()
}

async fn rows<T>(pool: &AnyPool, sql: &str) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    sqlx::query_as(sql).fetch_all(pool).await.unwrap()
}

async fn describe_sqlite(pool: &AnyPool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let tables: Vec<(String, String)> = rows(
        pool,
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
    )
    .await;
    for (table, create) in &tables {
        let create = create.split_whitespace().collect::<Vec<_>>().join(" ");
        out.insert(format!("table {table}"));
        let columns: Vec<(String, String, i64, Option<String>, i64)> = sqlx::query_as(
            "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        for (name, declared, not_null, default, key) in &columns {
            let serial = create.contains(&format!("{name} INTEGER PRIMARY KEY AUTOINCREMENT"));
            let null = if *not_null == 1 || *key > 0 {
                "not null"
            } else {
                "null"
            };
            let default = match (serial, default) {
                (true, _) => " default serial".to_string(),
                (false, Some(d)) => format!(" default {d}"),
                (false, None) => String::new(),
            };
            out.insert(format!(
                "column {table}.{name} {} {null}{default}",
                column_type(declared)
            ));
            if *key > 0 {
                pk.push((*key, name.clone()));
            }
        }
        pk.sort();
        let pk: Vec<_> = pk.into_iter().map(|(_, n)| n).collect();
        out.insert(format!("primary key {table} ({})", pk.join(", ")));
        for clause in create.split("CHECK").skip(1) {
            let text = format!("CHECK{clause}");
            let end = text.find("))").map_or(text.len(), |i| i + 2);
            out.insert(format!(
                "check {table}.{} {}",
                checked_column(&text),
                literals(&text[..end])
            ));
        }
        let fks: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list($1)",
        )
        .bind(table)
        .fetch_all(pool)
        .await
        .unwrap();
        for (target, from, to, on_delete) in fks {
            let action = match on_delete.as_str() {
                "NO ACTION" => String::new(),
                other => format!(" on delete {}", other.to_ascii_lowercase()),
            };
            out.insert(format!(
                "foreign key {table} ({from}) references {target} ({to}){action}"
            ));
        }
        let indexes: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
                .bind(table)
                .fetch_all(pool)
                .await
                .unwrap();
        for (index, unique, origin) in indexes {
            let columns: Vec<(String,)> =
                sqlx::query_as("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(pool)
                    .await
                    .unwrap();
            let columns: Vec<_> = columns.into_iter().map(|(c,)| c).collect();
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    out.insert(format!("unique {table} ({})", columns.join(", ")));
                }
                _ => {
                    let create: (Option<String>,) =
                        sqlx::query_as("SELECT sql FROM sqlite_master WHERE name = $1")
                            .bind(&index)
                            .fetch_one(pool)
                            .await
                            .unwrap();
                    let create = create.0.unwrap_or_default();
                    let predicate = create
                        .split(" WHERE ")
                        .nth(1)
                        .map(|p| format!(" where {}", literals(p)))
                        .unwrap_or_default();
                    let unique = if unique == 1 { " unique" } else { "" };
                    out.insert(format!(
                        "index {table} {index}{unique} ({}){predicate}",
                        columns.join(", ")
                    ));
                }
            }
        }
    }
    let triggers: Vec<(String, String)> = rows(
        pool,
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'",
    )
    .await;
    for (table, create) in triggers {
        let create = create.to_ascii_lowercase();
        for timing in ["before", "after"] {
            for event in ["insert", "update", "delete"] {
                if create.contains(&format!("{timing} {event}")) {
                    out.insert(format!("trigger {table} {timing} {event}"));
                }
            }
        }
    }
    out
}

async fn describe_postgres(pool: &AnyPool) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let tables: Vec<(String,)> = rows(
        pool,
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
         AND table_name <> '_sqlx_migrations'",
    )
    .await;
    for (table,) in tables {
        out.insert(format!("table {table}"));
    }
    let columns: Vec<(String, String, String, String, Option<String>)> = rows(
        pool,
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, \
         column_default::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .await;
    for (table, name, declared, nullable, default) in columns {
        let null = if nullable == "YES" {
            "null"
        } else {
            "not null"
        };
        let default = match default {
            Some(d) if d.starts_with("nextval(") => " default serial".to_string(),
            Some(d) => format!(" default {d}"),
            None => String::new(),
        };
        out.insert(format!(
            "column {table}.{name} {} {null}{default}",
            column_type(&declared)
        ));
    }
    let constraints: Vec<(String, String, String)> = rows(
        pool,
        "SELECT conrelid::regclass::text, contype::text, pg_get_constraintdef(oid) \
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace \
         AND conrelid::regclass::text <> '_sqlx_migrations'",
    )
    .await;
    for (table, kind, def) in constraints {
        let inside = |def: &str| {
            def.split_once('(')
                .and_then(|(_, rest)| rest.split_once(')'))
                .map(|(cols, _)| cols.to_string())
                .unwrap_or_default()
        };
        match kind.as_str() {
            "p" => {
                out.insert(format!("primary key {table} ({})", inside(&def)));
            }
            "u" => {
                out.insert(format!("unique {table} ({})", inside(&def)));
            }
            "c" => {
                out.insert(format!(
                    "check {table}.{} {}",
                    checked_column(&def),
                    literals(&def)
                ));
            }
            "f" => {
                // FOREIGN KEY (a) REFERENCES t(b) [ON DELETE CASCADE]
                let (_, target) = def.split_once("REFERENCES ").unwrap_or_default();
                let (target_table, rest) = target.split_once('(').unwrap_or_default();
                let (to, action) = rest.split_once(')').unwrap_or_default();
                let action = action.trim().to_ascii_lowercase();
                let action = if action.is_empty() {
                    String::new()
                } else {
                    format!(" {action}")
                };
                out.insert(format!(
                    "foreign key {table} ({}) references {target_table} ({to}){action}",
                    inside(&def)
                ));
            }
            other => {
                out.insert(format!("constraint {table} {other} {def}"));
            }
        }
    }
    let indexes: Vec<(String, String, String)> = rows(
        pool,
        "SELECT i.tablename::text, i.indexname::text, i.indexdef FROM pg_indexes i \
         WHERE i.schemaname = 'public' AND i.tablename <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
    )
    .await;
    for (table, index, def) in indexes {
        let unique = if def.starts_with("CREATE UNIQUE") {
            " unique"
        } else {
            ""
        };
        let (_, after_using) = def.split_once(" USING btree ").unwrap_or_default();
        let columns = after_using
            .split_once(')')
            .map(|(c, _)| c.trim_start_matches('('))
            .unwrap_or_default();
        let predicate = def
            .split(" WHERE ")
            .nth(1)
            .map(|p| format!(" where {}", literals(p)))
            .unwrap_or_default();
        out.insert(format!(
            "index {table} {index}{unique} ({columns}){predicate}"
        ));
    }
    let triggers: Vec<(String, String, String)> = rows(
        pool,
        "SELECT event_object_table::text, lower(action_timing::text), \
         lower(event_manipulation::text) FROM information_schema.triggers \
         WHERE trigger_schema = 'public'",
    )
    .await;
    for (table, timing, event) in triggers {
        out.insert(format!("trigger {table} {timing} {event}"));
    }
    out
}
