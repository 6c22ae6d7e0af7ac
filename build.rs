//! Embeds every `migrations/NNNN_name.sql` file (and every `migrations/postgres/NNNN_name.sql`)
//! in the binary, in order, so that a new migration
//! can never be forgotten in a list kept by hand.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let mut code = String::new();
    embed("migrations", "MIGRATIONS", &mut code);
    embed("migrations/postgres", "POSTGRES_MIGRATIONS", &mut code);
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"))
        .join("migrations.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}

/// Writes the constant `name` listing the numbered `.sql` files of `folder`, in order.
fn embed(folder: &str, name_of_list: &str, code: &mut String) {
    println!("cargo:rerun-if-changed={folder}");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut files: Vec<(u32, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| {
            entry
                .expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".sql"))
        .map(|name| {
            let number = name
                .split('_')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("migration {name} must be named NNNN_description.sql"));
            (number, name)
        })
        .collect();
    files.sort();
    writeln!(
        code,
        "/// The migrations in `{folder}/`, in order.\npub const {name_of_list}: &[Migration] = &["
    )
    .expect("write to string");
    for (index, (number, name)) in files.iter().enumerate() {
        assert_eq!(
            *number as usize,
            index + 1,
            "migrations must be numbered 1, 2, 3... without gaps: {name}"
        );
        println!("cargo:rerun-if-changed={folder}/{name}");
        writeln!(
            code,
            "    Migration {{ version: {number}, name: {name:?}, sql: include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{folder}/{name}\")) }},"
        )
        .expect("write to string");
    }
    code.push_str("];\n");
}
