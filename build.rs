//! Embeds every `migrations/NNNN_name.sql` file in the binary, in order, so that a new migration
//! can never be forgotten in a list kept by hand.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
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
    let mut code = String::from(
        "/// The migrations in `migrations/`, in order.\npub const MIGRATIONS: &[Migration] = &[\n",
    );
    for (index, (number, name)) in files.iter().enumerate() {
        assert_eq!(
            *number as usize,
            index + 1,
            "migrations must be numbered 1, 2, 3... without gaps: {name}"
        );
        println!("cargo:rerun-if-changed=migrations/{name}");
        writeln!(
            code,
            "    Migration {{ version: {number}, name: {name:?}, sql: include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/migrations/{name}\")) }},"
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"))
        .join("migrations.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
