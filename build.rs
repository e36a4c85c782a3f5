//! Embeds the built-in rule set (indicators/national-2021, or the test rule set while the national
//! one does not exist yet) into the library, so a fresh checkout scores with no extra files.

use std::path::{Path, PathBuf};

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            // The rule set's tests (`tests/`) are no part of its rules.
            if dir == root && e.file_name() == "tests" {
                continue;
            }
            collect(root, &p, out);
        } else if matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml")) {
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, p.canonicalize().unwrap()));
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-changed=indicators");
    println!("cargo:rerun-if-changed=tests/rules/mini");
    let national = manifest.join("indicators/national-2021");
    let dir = if national.join("ruleset.yaml").exists() {
        national
    } else {
        manifest.join("tests/rules/mini")
    };
    let mut files = Vec::new();
    collect(&dir, &dir, &mut files);
    let mut code = String::from("/// (relative path, YAML text) of every built-in rule file.\npub const FILES: &[(&str, &str)] = &[\n");
    for (rel, abs) in files {
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin.rs");
    std::fs::write(out, code).unwrap();
}
