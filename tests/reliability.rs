//! Issue 18 through the `fazhi` binary: no hang on FIFOs or symlink loops, the user's files are
//! never lost (an input as `--out`, a read-only target, a symlinked target, a killed write),
//! one county in two files, GBK files, BOM and CRLF.
#![cfg(unix)]

mod common;
use common::text;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_fazhi");
const COUNTY: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/counties/yuncheng-2018.yaml"
);
const QINGFENG: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/counties/qingfeng-2020.yaml"
);
const NATIONAL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/indicators/national-2021");
const SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios/mini.yaml");

/// Runs fazhi in `dir` under umask 022; a run that takes longer than 60 s (a hang: each of
/// these finishes in well under a second) is killed and fails the test.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("umask 022; exec \"$0\" \"$@\"")
        .arg(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("fazhi {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_fifo_is_refused_with_its_path_as_the_file_in_a_data_folder_and_in_a_rule_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    mkfifo(&d.join("fifo.yaml"));
    let o = run_in(d, &["score", "fifo.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("fifo.yaml: a FIFO (named pipe), not a regular file"));

    std::fs::create_dir(d.join("data")).unwrap();
    std::fs::copy(COUNTY, d.join("data/c.yaml")).unwrap();
    mkfifo(&d.join("data/pipe.yaml"));
    let o = run_in(d, &["rank", "--quiet", "--format", "csv", "data"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("data/pipe.yaml: a FIFO"));
    // The other county is ranked.
    assert!(text(&o.stdout).contains("yuncheng-2018"));

    std::fs::create_dir(d.join("rules")).unwrap();
    for e in std::fs::read_dir(NATIONAL).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), d.join("rules").join(e.file_name())).unwrap();
        }
    }
    mkfifo(&d.join("rules/zz.yaml"));
    let o = run_in(d, &["lint", "rules"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("rules/zz.yaml: a FIFO"));
}

#[test]
fn symlink_loops_neither_hang_nor_count_a_county_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("d")).unwrap();
    std::fs::copy(COUNTY, d.join("d/c.yaml")).unwrap();
    std::os::unix::fs::symlink(".", d.join("d/a")).unwrap();
    std::os::unix::fs::symlink(".", d.join("d/b")).unwrap();
    std::os::unix::fs::symlink("c.yaml", d.join("d/same.yaml")).unwrap();
    // The same folder named twice, and the file named once more.
    let o = run_in(
        d,
        &["rank", "--quiet", "--format", "csv", "d", "d/", "d/c.yaml"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    // A header line and one row.
    assert_eq!(out.lines().count(), 2, "{out}");
}

#[test]
fn one_county_in_two_files_is_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("d")).unwrap();
    std::fs::copy(COUNTY, d.join("d/old.yaml")).unwrap();
    std::fs::copy(COUNTY, d.join("d/new.yaml")).unwrap();
    std::fs::copy(QINGFENG, d.join("d/q.yaml")).unwrap();
    let o = run_in(d, &["rank", "--quiet", "--format", "csv", "d"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("d/new.yaml: county id `yuncheng-2018` is also given by d/old.yaml"),
        "{err}"
    );
    assert!(err.contains("d/old.yaml: county id `yuncheng-2018` is also given by d/new.yaml"));
    let out = text(&o.stdout);
    assert!(
        out.contains("qingfeng") && !out.contains(",yuncheng-2018,"),
        "{out}"
    );
    // whatif (and so uncertainty) refuses the batch.
    let o = run_in(d, &["whatif", "--scenario", SCENARIO, "d"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("is also given by"));
}

#[test]
fn an_input_is_never_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("data")).unwrap();
    std::fs::copy(COUNTY, d.join("data/c.yaml")).unwrap();
    std::os::unix::fs::symlink("data/c.yaml", d.join("link.yaml")).unwrap();
    std::fs::copy(SCENARIO, d.join("s.yaml")).unwrap();
    let before = std::fs::read(COUNTY).unwrap();
    let cases: [&[&str]; 6] = [
        &[
            "score",
            "--format",
            "json",
            "--out",
            "data/c.yaml",
            "data/c.yaml",
        ],
        &["score", "--out", "link.yaml", "data/../data/c.yaml"],
        &["rank", "--out", "./data/c.yaml", "data"],
        &["gap", "--out", "data/c.yaml", "link.yaml"],
        &["diff", NATIONAL, NATIONAL, "data", "--out", "link.yaml"],
        &["whatif", "--scenario", "s.yaml", "--out", "s.yaml", "data"],
    ];
    for args in cases {
        let o = run_in(d, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        assert!(
            err.contains("is the same file as the input"),
            "{args:?}: {err}"
        );
        assert_eq!(std::fs::read(d.join("data/c.yaml")).unwrap(), before);
    }
    assert_eq!(
        std::fs::read(d.join("s.yaml")).unwrap(),
        std::fs::read(SCENARIO).unwrap()
    );
    assert_eq!(names(d), ["data", "link.yaml", "s.yaml"]);
}

#[test]
fn a_read_only_target_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("r.md"), "keep").unwrap();
    std::fs::set_permissions(d.join("r.md"), std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = run_in(d, &["score", "--out", "r.md", COUNTY]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("r.md: Permission denied: the file is read-only"));
    assert_eq!(std::fs::read_to_string(d.join("r.md")).unwrap(), "keep");
}

#[test]
fn outputs_have_normal_permissions_and_symlinks_are_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = run_in(d, &["score", "--out", "new.md", COUNTY]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mode = |p: &str| std::fs::metadata(d.join(p)).unwrap().permissions().mode() & 0o777;
    // 0o666 & !0o022.
    assert_eq!(mode("new.md"), 0o644);
    // An existing file keeps its mode.
    std::fs::set_permissions(d.join("new.md"), std::fs::Permissions::from_mode(0o600)).unwrap();
    run_in(d, &["score", "--out", "new.md", COUNTY]);
    assert_eq!(mode("new.md"), 0o600);
    // Through a link: the link stays, its target receives the text.
    std::os::unix::fs::symlink("target.md", d.join("link.md")).unwrap();
    let o = run_in(d, &["rank", "--quiet", "--out", "link.md", COUNTY]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(std::fs::symlink_metadata(d.join("link.md"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(d.join("target.md"))
        .unwrap()
        .contains("yuncheng-2018"));
    assert_eq!(mode("target.md"), 0o644);
    assert_eq!(names(d), ["link.md", "new.md", "target.md"]);
}

#[test]
fn a_killed_write_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Big enough that the write takes a while: 40 copies of the county, itemized JSON.
    let mut args: Vec<String> = ["score", "--format", "json", "--out", "out.json"]
        .map(String::from)
        .to_vec();
    for i in 0..40 {
        let t = std::fs::read_to_string(COUNTY)
            .unwrap()
            .replace("id: yuncheng-2018", &format!("id: c{i}"));
        std::fs::write(d.join(format!("c{i}.yaml")), t).unwrap();
        args.push(format!("c{i}.yaml"));
    }
    let before = names(d);
    // Kill at many moments of the run (reading, scoring, writing, renaming).
    for delay_ms in (0..400).step_by(25) {
        let mut child = Command::new(BIN)
            .args(&args)
            .current_dir(d)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let now: Vec<String> = names(d).into_iter().filter(|n| n != "out.json").collect();
        assert_eq!(now, before, "killed after {delay_ms} ms");
    }
    // SIGTERM removes a named temporary file too (and a complete run leaves only out.json).
    let o = run_in(d, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0));
    let n = names(d);
    assert!(!n.iter().any(|x| x.contains("fazhi-tmp")), "{n:?}");
}

#[test]
fn gbk_files_are_refused_with_how_to_convert_and_bom_crlf_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let utf8 = std::fs::read_to_string(COUNTY).unwrap();
    let (gbk, _, bad) = encoding_rs::GB18030.encode(&utf8);
    assert!(!bad);
    std::fs::write(d.join("gbk.yaml"), &gbk).unwrap();
    let o = run_in(d, &["score", "gbk.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("gbk.yaml: the file is not UTF-8 but looks like GBK/GB18030")
            && err.contains("iconv -f GB18030 -t UTF-8"),
        "{err}"
    );
    // UTF-8 with a BOM and CRLF line ends scores like the original.
    let crlf = format!("\u{feff}{}", utf8.replace('\n', "\r\n"));
    std::fs::write(d.join("bom.yaml"), crlf).unwrap();
    let a = run_in(d, &["rank", "--quiet", "--format", "csv", "bom.yaml"]);
    let b = run_in(d, &["rank", "--quiet", "--format", "csv", COUNTY]);
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    let row = |o: &Output| text(&o.stdout).lines().nth(1).unwrap().to_string();
    // Same row but for the file name.
    assert_eq!(
        row(&a).split(',').filter(|c| !c.contains(".yaml")).count(),
        row(&b).split(',').filter(|c| !c.contains(".yaml")).count()
    );
    assert_eq!(row(&a).replace("bom.yaml", ""), row(&b).replace(COUNTY, ""));
}
